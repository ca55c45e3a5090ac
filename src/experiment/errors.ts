/**
 * A problem with running an experiment that the user can act on (a cell run with another config, a
 * folder another experiment is using, ...), phrased as one line. Problems with the experiment file or
 * a cell's config are ConfigErrors, like the config loader's.
 */
export class ExperimentError extends Error {
  override readonly name = "ExperimentError";
}
