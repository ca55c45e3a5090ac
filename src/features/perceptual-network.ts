import type { RunConfig } from "../config/schema.js";
import { datasetKey, type Dataset } from "../data/index.js";
import { withCacheLock } from "../util/cache-lock.js";
import { loadOrTrainFeatureNetwork, type FeatureNetwork } from "./feature-network.js";

/**
 * The frozen feature network `model.perceptual` descends through (undefined without one), trained on the
 * run's train split once per dataset, seed and epochs and kept in `cacheDir`; locked, since an
 * experiment's cells may ask for the same one at once.
 */
export async function loadPerceptualNetwork(
  config: Pick<RunConfig, "model">,
  dataset: Dataset,
  cacheDir: string,
  log: (line: string) => void,
): Promise<FeatureNetwork | undefined> {
  const spec = config.model.perceptual;
  if (!spec) return undefined;
  return withCacheLock(cacheDir, `${datasetKey(dataset)}-s${spec.seed}-e${spec.epochs}`, () =>
    loadOrTrainFeatureNetwork(cacheDir, dataset, { seed: spec.seed, epochs: spec.epochs, log }),
  );
}
