import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { datasetKey, type Dataset, type ImageShape } from "../data/index.js";
import { ABSENT, loadCachedNetwork, saveCachedNetwork, type CachedNetworkEntry } from "../checkpoint/cached-network.js";
import { buildFeatureNetwork } from "./network.js";
import { headsFor, objectiveFor } from "./objective.js";
import { DEFAULT_FEATURE_EPOCHS, FEATURE_NET_SPEC, type FeatureNetSpec, type FeatureSpaceIdentity } from "../config/feature-network-spec.js";

export type { FeatureSpaceIdentity } from "../config/feature-network-spec.js";
import { objectiveAccuracy, trainFeatureNetwork } from "./train.js";

const INFO_JSON = "features.json";
const INFO_FORMAT = "aelab-features";
const NETWORK = "features";

/** A problem with the feature network or its inputs, worded so the user can act on it. */
export class FeatureNetworkError extends Error {
  override readonly name = "FeatureNetworkError";
}

export interface FeatureNetwork {
  identity: FeatureSpaceIdentity;
  /** The network with its head (frozen: not trainable). */
  model: tf.LayersModel;
  inputShape: ImageShape;
  /** F, the width of `features`. */
  featureSize: number;
  /** The feature layer [n, F] of images [n, H, W, C] in [0, 1]; the caller disposes the result. */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** The conv blocks' ReLU outputs, input side first (FEATURE_NET_SPEC.filters.length of them); the caller disposes them. */
  blocks(x: tf.Tensor4D): tf.Tensor4D[];
  /** The cache entry's folder. */
  dir: string;
  /** True when read from the cache, false when trained by this call. */
  loaded: boolean;
  dispose(): void;
}

export interface FeatureNetworkOptions {
  /** Seeds the initial weights, the shuffling, shifts and flips. Part of the cache key. */
  seed: number;
  /** Passes over the train split (default DEFAULT_FEATURE_EPOCHS). Part of the cache key. */
  epochs?: number;
  log?: (line: string) => void;
}

interface FeatureNetworkInfo extends FeatureSpaceIdentity {
  format: typeof INFO_FORMAT;
  datasetKey: string;
  dataset: { name: string; source: string; height: number; width: number; channels: number; trainCount: number; testCount: number };
  spec: FeatureNetSpec;
  trainSeconds: number;
}

/**
 * The dataset's feature network for `seed`, from `cacheDir/<key>/` when a complete entry is there, else
 * trained on the train split (`classes` when the dataset has labels, the `flips` pretext task when it has
 * none) and saved there (checkpoint + features.json, written last). An unreadable entry is retrained and
 * replaced. The test accuracy is measured anew by every call: the test split is not part of the key.
 */
export async function loadOrTrainFeatureNetwork(cacheDir: string, dataset: Dataset, options: FeatureNetworkOptions): Promise<FeatureNetwork> {
  const { seed } = options;
  const epochs = options.epochs ?? DEFAULT_FEATURE_EPOCHS;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(seed)) throw new FeatureNetworkError(`feature network seed must be an integer (got ${seed})`);
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new FeatureNetworkError(`feature network epochs must be a positive integer (got ${epochs})`);
  if (dataset.train.count === 0) throw new FeatureNetworkError(`${dataset.name}: the train split is empty; the feature network needs examples to learn from`);

  const shape: ImageShape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const objective = objectiveFor(dataset);
  const heads = headsFor(objective, dataset);
  const dataKey = datasetKey(dataset);
  const key = `${dataKey}-f${FEATURE_NET_SPEC.version}-${objective}${objective === "classes" && heads !== 10 ? `${heads}` : ""}-s${seed}-e${epochs}`;
  const dir = join(cacheDir, key);
  const layers = buildFeatureNetwork(shape, seed, heads, NETWORK);
  const identityWith = (testAccuracy: number): FeatureSpaceIdentity => ({ key, objective, seed, epochs, specVersion: FEATURE_NET_SPEC.version, testAccuracy });
  try {
    const reason = await loadCachedNetwork(cacheEntry(dir, key), layers.model);
    if (reason === undefined) {
      const testAccuracy = objectiveAccuracy(layers.model, dataset.test, shape, objective);
      log(`features: loaded ${key} from ${dir}, test ${objective} accuracy ${percent(testAccuracy)}`);
      return wrap(layers.model, layers.taps, shape, identityWith(testAccuracy), dir, true);
    }
    if (reason !== ABSENT) log(`features: cache entry ${dir} is unusable (${reason}); training a new one`);
    log(
      `features: training a conv feature network on ${dataset.name} (${dataset.train.count} images, ${objective}${objective === "flips" ? ", self-supervised: the images have no labels" : ""}, ${epochs} epochs, seed ${seed})`,
    );
    const started = performance.now();
    await trainFeatureNetwork(layers.model, dataset, objective, heads, seed, epochs, log);
    const trainSeconds = (performance.now() - started) / 1000;
    const testAccuracy = objectiveAccuracy(layers.model, dataset.test, shape, objective);
    const identity = identityWith(testAccuracy);
    await saveCachedNetwork(cacheEntry(dir, key), layers.model, {
      ...identity,
      format: INFO_FORMAT,
      datasetKey: dataKey,
      dataset: { name: dataset.name, source: dataset.source, ...shape, trainCount: dataset.train.count, testCount: dataset.test.count },
      spec: FEATURE_NET_SPEC,
      trainSeconds: Math.round(trainSeconds * 100) / 100,
    } satisfies FeatureNetworkInfo);
    log(`features: trained in ${trainSeconds.toFixed(1)} s, test ${objective} accuracy ${percent(testAccuracy)}, saved to ${dir}`);
    return wrap(layers.model, layers.taps, shape, identity, dir, false);
  } catch (error) {
    layers.model.dispose();
    throw error;
  }
}

function wrap(
  model: tf.LayersModel,
  taps: tf.LayersModel,
  inputShape: ImageShape,
  identity: FeatureSpaceIdentity,
  dir: string,
  loaded: boolean,
): FeatureNetwork {
  // Frozen: whatever descends through it (a perceptual loss) must never move its weights.
  model.trainable = false;
  const check = (x: tf.Tensor4D): void => {
    const [, h, w, c] = x.shape;
    if (x.rank !== 4 || h !== inputShape.height || w !== inputShape.width || c !== inputShape.channels) {
      throw new FeatureNetworkError(
        `feature network ${identity.key}: images are [${x.shape.join(", ")}] but it takes [n, ${inputShape.height}, ${inputShape.width}, ${inputShape.channels}]`,
      );
    }
  };
  const outputs = (x: tf.Tensor4D) => taps.apply(x, { training: false }) as tf.Tensor[];
  return {
    identity,
    model,
    inputShape,
    featureSize: FEATURE_NET_SPEC.features,
    features(x) {
      check(x);
      return tf.tidy(() => outputs(x).at(-1) as tf.Tensor2D);
    },
    blocks(x) {
      check(x);
      const all = outputs(x);
      all.at(-1)?.dispose();
      return all.slice(0, -1) as tf.Tensor4D[];
    },
    dir,
    loaded,
    // taps holds no weights of its own: its layers are model's, freed with it.
    dispose: () => model.dispose(),
  };
}

function cacheEntry(dir: string, key: string): CachedNetworkEntry {
  return { dir, infoFile: INFO_JSON, network: NETWORK, format: INFO_FORMAT, key, spec: FEATURE_NET_SPEC };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
