import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { batches, datasetKey, identityOrder, type Dataset, type ImageShape, type Split } from "../data/index.js";
import { ABSENT, loadCachedNetwork, saveCachedNetwork, type CachedNetworkEntry } from "../checkpoint/cached-network.js";
import { buildClassifier, CLASSIFIER_SPEC, classifierClasses, trainClassifier, type ClassifierNets, type ClassifierSpec } from "./classifier-train.js";

export { CLASSIFIER_SPEC, type ClassifierSpec } from "./classifier-train.js";
export { datasetKey } from "../data/index.js";

export const DEFAULT_CLASSIFIER_SEED = 1;
export const DEFAULT_CLASSIFIER_EPOCHS = 8;
const DEFAULT_EVAL_BATCH = 500;
const INFO_JSON = "classifier.json";
const INFO_FORMAT = "aelab-classifier";
const NETWORK = "classifier";

/** A problem with the classifier or its inputs, worded so the user can act on it. */
export class ClassifierError extends Error {
  override readonly name = "ClassifierError";
}

export interface FeatureClassifier {
  /** images [n, H, W, C] in [0, 1] -> class logits [n, classes]. */
  model: tf.LayersModel;
  /** Penultimate-layer features (after its ReLU) [n, F]; the caller disposes the result. */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** Class logits [n, classes]; the caller disposes the result. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Accuracy on the test split of the dataset it was loaded or trained for (measured by this call). */
  testAccuracy: number;
  /** F, the width of `features`. */
  featureSize: number;
  inputShape: ImageShape;
  /** The cache entry's name: datasetKey plus spec version, seed and epochs. */
  key: string;
  /** The cache entry's folder (`cacheDir/<key>`). */
  dir: string;
  /** True when read from the cache, false when trained by this call. */
  loaded: boolean;
  dispose(): void;
}

/** What featuresOf needs of a network: the dataset classifier, or a feature network (src/features/). */
export type FeatureExtractor = Pick<FeatureClassifier, "features" | "featureSize" | "inputShape">;

export interface ClassifierOptions {
  /** Seeds the initial weights, the shuffling and the shifts (default 1). Part of the cache key. */
  seed?: number;
  /** Passes over the train split (default 8). Part of the cache key. */
  epochs?: number;
  log?: (line: string) => void;
}

/** What `cacheDir/<key>/classifier.json` holds, beside the network's checkpoint. */
interface ClassifierInfo {
  format: typeof INFO_FORMAT;
  key: string;
  datasetKey: string;
  dataset: { name: string; source: string; height: number; width: number; channels: number; trainCount: number; testCount: number };
  spec: ClassifierSpec;
  seed: number;
  epochs: number;
  /** On the test split it was trained with (`dataset.testCount` images). */
  testAccuracy: number;
  trainSeconds: number;
}

/**
 * The dataset's feature classifier, from `cacheDir/<key>/` when a complete entry for this dataset, spec,
 * seed and epochs is there, else trained (CLASSIFIER_SPEC: MLP H*W*C-256-64-classes, ReLU, Adam, train
 * images shifted by up to 2 pixels; the same seed gives the same weights on the same backend) and saved
 * there with saveCheckpoint (`<key>/checkpoint/classifier/model.json`, LayersModel format) plus
 * `<key>/classifier.json`. An unreadable entry is retrained and replaced, as a cache should be.
 * `testAccuracy` is measured on `dataset.test` by every call: the test split is not part of the key.
 * Keeps its weights until `dispose()`. Reads and writes files: the one edge of metrics/ that does.
 */
export async function loadOrTrainClassifier(cacheDir: string, dataset: Dataset, options: ClassifierOptions = {}): Promise<FeatureClassifier> {
  const seed = options.seed ?? DEFAULT_CLASSIFIER_SEED;
  const epochs = options.epochs ?? DEFAULT_CLASSIFIER_EPOCHS;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(seed)) throw new ClassifierError(`classifier seed must be an integer (got ${seed})`);
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new ClassifierError(`classifier epochs must be a positive integer (got ${epochs})`);
  checkLabels(dataset);

  const shape: ImageShape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const classes = classifierClasses(dataset);
  const dataKey = datasetKey(dataset);
  const key = `${dataKey}-v${CLASSIFIER_SPEC.version}${classes === CLASSIFIER_SPEC.classes ? "" : `-c${classes}`}-s${seed}-e${epochs}`;
  const dir = join(cacheDir, key);
  const nets = buildClassifier(shape, seed, NETWORK, classes);
  try {
    const reason = await loadCachedNetwork(cacheEntry(dir, key), nets.model);
    if (reason === undefined) {
      const testAccuracy = splitAccuracy(nets.model, dataset.test, shape, DEFAULT_EVAL_BATCH);
      log(`classifier: loaded from ${dir}, test accuracy ${percent(testAccuracy)}`);
      return wrap(nets, shape, { testAccuracy, key, dir, loaded: true });
    }
    if (reason !== ABSENT) log(`classifier: cache entry ${dir} is unusable (${reason}); training a new one`);
    const started = performance.now();
    await trainClassifier(nets.model, dataset, seed, epochs, log);
    const trainSeconds = (performance.now() - started) / 1000;
    const testAccuracy = splitAccuracy(nets.model, dataset.test, shape, DEFAULT_EVAL_BATCH);
    await saveCachedNetwork(cacheEntry(dir, key), nets.model, {
      format: INFO_FORMAT,
      key,
      datasetKey: dataKey,
      dataset: { name: dataset.name, source: dataset.source, ...shape, trainCount: dataset.train.count, testCount: dataset.test.count },
      spec: CLASSIFIER_SPEC,
      seed,
      epochs,
      testAccuracy,
      trainSeconds: Math.round(trainSeconds * 100) / 100,
    } satisfies ClassifierInfo);
    log(`classifier: trained in ${trainSeconds.toFixed(1)} s, test accuracy ${percent(testAccuracy)}, saved to ${dir}`);
    return wrap(nets, shape, { testAccuracy, key, dir, loaded: false });
  } catch (error) {
    nets.model.dispose();
    throw error;
  }
}

/**
 * Share of `images` [n, H, W, C] (in [0, 1]) classified as their `labels`, e.g. of reconstructions of the
 * test split: how recognisable they stay.
 */
export function classifierAccuracy(classifier: FeatureClassifier, images: tf.Tensor4D, labels: Uint8Array, batchSize = DEFAULT_EVAL_BATCH): number {
  const n = images.shape[0];
  if (labels.length !== n) throw new ClassifierError(`classifierAccuracy: ${n} images but ${labels.length} labels`);
  if (n === 0) throw new ClassifierError(`classifierAccuracy: no images`);
  checkBatchSize(batchSize);
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() =>
      classifier
        .logits(sliceRows(images, start, b))
        .argMax(-1)
        .dataSync(),
    );
    for (let i = 0; i < b; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / n;
}

/**
 * The classifier's features of `images`, one Float64Array of length F per image (the row layout
 * `frechetDistance` takes). `images` is a tensor [n, H, W, C] or flat pixels (N*H*W*C, as a Split
 * holds them); `shape` defaults to the classifier's input shape and must match it. Pixels in [0, 1].
 */
export function featuresOf(
  classifier: FeatureExtractor,
  images: Float32Array | tf.Tensor4D,
  shape: ImageShape = classifier.inputShape,
  batchSize = DEFAULT_EVAL_BATCH,
): Float64Array[] {
  checkBatchSize(batchSize);
  const want = classifier.inputShape;
  const given = images instanceof Float32Array ? shape : { height: images.shape[1], width: images.shape[2], channels: images.shape[3] };
  if (given.height !== want.height || given.width !== want.width || given.channels !== want.channels) {
    throw new ClassifierError(`featuresOf: images are ${shapeText(given)} but the classifier takes ${shapeText(want)}`);
  }
  const perImage = want.height * want.width * want.channels;
  if (images instanceof Float32Array && images.length % perImage !== 0) {
    throw new ClassifierError(`featuresOf: ${images.length} pixels are not a whole number of ${shapeText(want)} images`);
  }
  const n = images instanceof Float32Array ? images.length / perImage : images.shape[0];
  const f = classifier.featureSize;
  const rows: Float64Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const values = tf.tidy(() => {
      const x =
        images instanceof Float32Array
          ? tf.tensor4d(images.subarray(start * perImage, (start + b) * perImage), [b, want.height, want.width, want.channels])
          : sliceRows(images, start, b);
      return classifier.features(x).dataSync();
    });
    for (let i = 0; i < b; i++) rows.push(Float64Array.from(values.subarray(i * f, (i + 1) * f)));
  }
  return rows;
}

function wrap(nets: ClassifierNets, inputShape: ImageShape, rest: Pick<FeatureClassifier, "testAccuracy" | "key" | "dir" | "loaded">): FeatureClassifier {
  const { model, featureModel } = nets;
  const check = (x: tf.Tensor4D, what: string): void => {
    const [, h, w, c] = x.shape;
    if (x.rank !== 4 || h !== inputShape.height || w !== inputShape.width || c !== inputShape.channels) {
      throw new ClassifierError(
        `classifier ${what}: images are [${x.shape.join(", ")}] but the classifier takes [n, ${inputShape.height}, ${inputShape.width}, ${inputShape.channels}]`,
      );
    }
  };
  return {
    model,
    features(x) {
      check(x, "features");
      return tf.tidy(() => featureModel.apply(x, { training: false }) as tf.Tensor2D);
    },
    logits(x) {
      check(x, "logits");
      return tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor2D);
    },
    featureSize: CLASSIFIER_SPEC.hidden[CLASSIFIER_SPEC.hidden.length - 1],
    inputShape,
    ...rest,
    // featureModel holds no weights of its own: its layers are model's, freed with it.
    dispose: () => model.dispose(),
  };
}

function splitAccuracy(model: tf.LayersModel, split: Split, shape: ImageShape, batchSize: number): number {
  if (split.count === 0) return Number.NaN;
  let correct = 0;
  for (const batch of batches(split, batchSize, identityOrder(split.count), shape)) {
    const predicted = tf.tidy(() => (model.apply(batch.x, { training: false }) as tf.Tensor).argMax(-1).dataSync());
    batch.x.dispose();
    for (let i = 0; i < batch.labels.length; i++) if (predicted[i] === batch.labels[i]) correct++;
  }
  return correct / split.count;
}

function cacheEntry(dir: string, key: string): CachedNetworkEntry {
  return { dir, infoFile: INFO_JSON, network: NETWORK, format: INFO_FORMAT, key, spec: CLASSIFIER_SPEC };
}

function checkLabels(dataset: Dataset): void {
  if (dataset.labelled === false)
    throw new ClassifierError(`${dataset.source}: the images have no labels (no class folders or label array), and the dataset classifier learns from labels`);
  if (dataset.train.count === 0) throw new ClassifierError(`${dataset.name}: the train split is empty; the feature classifier needs examples to learn from`);
}

function checkBatchSize(batchSize: number): void {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ClassifierError(`batchSize must be a positive integer (got ${batchSize})`);
}

function sliceRows(images: tf.Tensor4D, start: number, count: number): tf.Tensor4D {
  return images.slice([start, 0, 0, 0], [count, -1, -1, -1]);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function shapeText(s: ImageShape): string {
  return `${s.height}x${s.width}x${s.channels}`;
}
