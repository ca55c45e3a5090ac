/**
 * aelab as a library: `import { train, registerLikelihood, type Observer } from "aelab"`.
 *
 * - train(config, { observers, logdir | writer }) runs one run, as `aelab train` does.
 * - An Observer hooks into the loop (onTrainStart, onEpochStart, onStepEnd, onValidationEnd, onEpochEnd,
 *   onTrainEnd; ctx.requestStop() ends training; `state` rides in the checkpoint). examples/custom-observer.ts.
 * - registerLikelihood(name, { nllPerExample }) makes `model.recon: <name>` a valid config for every
 *   variant that trains on a likelihood. examples/custom-likelihood.ts.
 * - registerVariant(name, { build }) makes `model.variant: <name>` a valid config: networks plus phases,
 *   assembled from the built-in variants' parts (assembleVariant, buildAutoencoder, pixelLikelihood,
 *   buildWithPixelAdversary, ...). examples/custom-variant.ts.
 * - registerMetric({ name, ... }) adds a metric that experiment files' comparisons can name (metric: <name>);
 *   loadExperiment, startExperiment and writeReport run such a file. examples/custom-metric.ts.
 * - Variants are built by name from the config (buildVariant); metrics are pure functions (`metrics`).
 */

// Training
export { train, type TrainOptions, type Trained } from "./train/train.js";
export { trainLoop, NonFiniteLossError, type LoopOptions, type EpochSummary, type TrainResult } from "./train/loop.js";
export { loadRunDataset, runTraining, RunError, type RunOptions, type RunOutcome } from "./train/run.js";
export type { Evaluation } from "./train/evaluate.js";
export type { Convergence } from "./train/early-stopping.js";
export { LineProgress, progressFor, silentProgress, type Progress } from "./train/progress.js";

// Observers
export {
  AdversarialBalanceObserver,
  BalanceWatch,
  ConvergenceRecord,
  EarlyStoppingObserver,
  HistogramsObserver,
  ImagesObserver,
  ProgressObserver,
  builtInObservers,
  type EpochEnd,
  type EpochStart,
  type KeptWeights,
  type Observer,
  type ObserverState,
  type StepEnd,
  type TrainContext,
  type TrainEnd,
  type TrainStart,
  type ValidationEnd,
} from "./train/observers/index.js";

// Config
export { ConfigError, loadConfig, runConfigSchema, validateConfig, type RunConfig } from "./config/index.js";

// Likelihoods
export {
  BUILT_IN_LIKELIHOODS,
  buildLikelihood,
  reconNames,
  registerLikelihood,
  registeredLikelihood,
  type Likelihood,
  type LikelihoodDefinition,
} from "./losses/likelihoods/index.js";
export { sumPerExample } from "./losses/reconstruction.js";

// Variants, and the parts a variant of one's own is built from
export {
  BUILT_IN_VARIANTS,
  buildVariant,
  registerVariant,
  registeredVariant,
  variantNames,
  type AdversaryKind,
  type LossTerm,
  type Noise,
  type Phase,
  type PhaseResult,
  type Prior,
  type StepContext,
  type Variant,
  type VariantDefinition,
} from "./models/index.js";
export { assembleVariant, autoencode, buildAutoencoder, pixelLikelihood, reparameterize, type Autoencoded } from "./models/base.js";
export { buildWithLatentAdversary, buildWithPixelAdversary, type AdversarialTerm, type DiscriminatorPhase } from "./models/adversarial-term.js";
export { buildPrior, gaussianMixture, standardNormal } from "./models/prior.js";
export { gaussianKl } from "./losses/kl.js";
export type { Decoder, Discriminator, Encoder, EncoderOutput, ImageShape, LatentDiscriminator } from "./nn/modules.js";
export type { Rng } from "./random/rng.js";

// The feature network aelab trains per dataset (rFID, KID, precision/recall) and the perceptual loss in it
export { loadOrTrainFeatureNetwork, FeatureNetworkError, type FeatureNetwork, type FeatureNetworkOptions } from "./features/feature-network.js";
export { FEATURE_NET_SPEC, FEATURE_SEEDS, type FeatureSpaceIdentity } from "./config/feature-network-spec.js";
export { perceptualLoss, type PerceptualLoss } from "./models/perceptual-term.js";
export { perceptualDistance } from "./losses/perceptual.js";
export { featureMetrics, type FeatureMetrics, type FeatureSetScores } from "./metrics/feature-metrics.js";

// Metrics: pure functions of images and codes, and the registry experiment files name metrics from
export * as metrics from "./metrics/index.js";
export { registerCheck, registerMetric, comparedMetricNames, type AnalyticCheck, type ComparedMetric } from "./metrics/registry.js";
export type { RunMetrics } from "./metrics/measured.js";

// Experiments and their reports: the experiment takes its report writer as an option (writeReport), so
// experiment/ never imports report/; a caller composes the two, as the CLI does.
export { loadExperiment, startExperiment, type Experiment, type ExperimentOptions, type ExperimentOutcome } from "./experiment/index.js";
export { writeSeedBands, type BandsOutcome } from "./experiment/bands.js";
export { exportScalars, EXPORT_FORMATS, type ExportFormat, type ExportOptions } from "./experiment/export.js";
import type { ReportOptions, ReportOutcome } from "./report/index.js";
export type { ReportOptions, ReportOutcome };
export type { VerdictRow } from "./report/rows.js";

/**
 * Writes an experiment folder's report (report.md, figures, verdict table), as `aelab report` does. report/
 * loads vega and sharp (~0.9 s), so it is imported on the first report, not with every `import "aelab"`.
 */
export async function writeReport(experimentDir: string, options?: ReportOptions): Promise<ReportOutcome> {
  const report = await import("./report/index.js");
  return report.writeReport(experimentDir, options);
}

// Data, backend, TensorBoard
export { loadDataset, type Dataset, type Split } from "./data/index.js";
export { selectBackend, type BackendInfo, type BackendRequest } from "./backend/index.js";
export { EventFileWriter, MemoryWriter, type ImageBatch, type SummaryWriter } from "./tensorboard/index.js";
