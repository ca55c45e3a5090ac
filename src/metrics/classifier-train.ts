import * as tf from "@tensorflow/tfjs";
import { shiftImages, type Dataset, type ImageShape } from "../data/index.js";
import { trainSoftmax } from "../features/train-softmax.js";
import { denseStack, seededDense } from "../nn/mlp.js";
import { streamFor } from "../random/rng.js";

/**
 * The feature classifier behind the sample-quality metrics (a dataset-specific FID: Inception features
 * mean little for 28x28 digits). Measured on the embedded MNIST (8,334 train / 1,666 test, wasm, 2 cores):
 * without the shifts this MLP overfits and stays at 94-95.5% test accuracy whatever the epochs, width or
 * batch size; shifting every train image by up to 2 pixels each epoch gives 95-96.5% (seeds 1-5; 96.0% for
 * seed 1) in about 8 s for 8 epochs. A small conv net reached no more in twice the time, nor did dropout,
 * weight averaging or a cosine learning rate. Bump `version` whenever training changes in a way the other
 * fields do not show: every cached classifier is then retrained.
 */
export const CLASSIFIER_SPEC = {
  version: 1,
  hidden: [256, 64],
  classes: 10,
  batchSize: 64,
  lr: 1e-3,
  /** Train images are moved by a whole number of pixels in [-maxShift, maxShift] per axis, anew each epoch. */
  maxShift: 2,
} as const;

export type ClassifierSpec = typeof CLASSIFIER_SPEC;

export interface ClassifierNets {
  /** images [n, H, W, C] -> logits [n, classes] */
  model: tf.LayersModel;
  /** the same layers, up to the last hidden ReLU: features [n, F] */
  featureModel: tf.LayersModel;
}

/** H*W*C -> flatten -> 256 -> 64 (features) -> classes, ReLU, initial weights from `seed`'s "classifier/weights" stream. */
export function buildClassifier(shape: ImageShape, seed: number, name: string, classes: number = CLASSIFIER_SPEC.classes): ClassifierNets {
  const rng = streamFor(seed, "classifier/weights");
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: `${name}_input` });
  const flat = tf.layers.flatten({ name: `${name}_flatten` }).apply(input) as tf.SymbolicTensor;
  const features = denseStack(flat, CLASSIFIER_SPEC.hidden, "relu", name, rng).at(-1)!;
  const logits = seededDense(classes, `${name}_logits`, rng).apply(features) as tf.SymbolicTensor;
  return {
    model: tf.model({ inputs: input, outputs: logits, name }),
    featureModel: tf.model({ inputs: input, outputs: features, name: `${name}_features` }),
  };
}

/**
 * Output units for a dataset: CLASSIFIER_SPEC.classes (10), or one per label where a dataset has more
 * (CIFAR-100). A dataset with fewer keeps 10, so the digits' classifier and its cache stay as they were.
 */
export function classifierClasses(dataset: Pick<Dataset, "classes" | "train" | "test">): number {
  let labels = dataset.classes?.length ?? 0;
  for (const split of [dataset.train, dataset.test]) for (const label of split.labels) labels = Math.max(labels, label + 1);
  return Math.max(CLASSIFIER_SPEC.classes, labels);
}

/**
 * Trains `model` on the train split: Adam, softmax cross-entropy, seeded shuffling and shifts per epoch
 * ("classifier/shuffle/epoch-k", "classifier/shift/epoch-k"), so a seed gives the same weights on a backend.
 */
export async function trainClassifier(model: tf.LayersModel, dataset: Dataset, seed: number, epochs: number, log: (line: string) => void): Promise<void> {
  const shape: ImageShape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const split = dataset.train;
  const classes = classifierClasses(dataset);
  log(
    `classifier: training ${shape.height * shape.width * shape.channels}-${CLASSIFIER_SPEC.hidden.join("-")}-${classes} ` +
      `on ${dataset.name} (${split.count} images, ${epochs} epochs, seed ${seed})`,
  );
  await trainSoftmax(model, shape, {
    heads: classes,
    batchSize: CLASSIFIER_SPEC.batchSize,
    lr: CLASSIFIER_SPEC.lr,
    epochs,
    epochData: (epoch) => ({
      order: streamFor(seed, `classifier/shuffle/epoch-${epoch}`).permutation(split.count),
      split: shiftImages(split, shape, CLASSIFIER_SPEC.maxShift, streamFor(seed, `classifier/shift/epoch-${epoch}`)),
    }),
    onEpoch: (epoch, loss) => log(`classifier: epoch ${epoch + 1}/${epochs}, train loss ${loss.toFixed(4)}`),
  });
}
