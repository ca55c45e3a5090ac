import * as tf from "@tensorflow/tfjs";
import { batches, identityOrder, shiftImages, type Dataset, type ImageShape, type Split } from "../data/index.js";
import { streamFor } from "../random/rng.js";
import { objectiveSplit } from "./objective.js";
import { FEATURE_NET_SPEC, type FeatureObjective } from "./spec.js";

/**
 * Trains `model` on the train split for `objective`: Adam, softmax cross-entropy, seeded shuffling, shifts
 * and (for `flips`) flips per epoch ("features/shuffle|shift|flip/epoch-k"), so a seed gives the same
 * weights on a backend. The loss is summed on the backend and read once per epoch.
 */
export async function trainFeatureNetwork(
  model: tf.LayersModel,
  dataset: Dataset,
  objective: FeatureObjective,
  heads: number,
  seed: number,
  epochs: number,
  log: (line: string) => void,
): Promise<void> {
  const shape: ImageShape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const split = dataset.train;
  const optimizer = tf.train.adam(FEATURE_NET_SPEC.lr);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = streamFor(seed, `features/shuffle/epoch-${epoch}`).permutation(split.count);
      const shifted = shiftImages(split, shape, FEATURE_NET_SPEC.maxShift, streamFor(seed, `features/shift/epoch-${epoch}`));
      const seen = objectiveSplit(shifted, shape, objective, streamFor(seed, `features/flip/epoch-${epoch}`));
      let lossSum = tf.scalar(0);
      for (const batch of batches(seen, FEATURE_NET_SPEC.batchSize, order, shape)) {
        try {
          const cost = optimizer.minimize(() => {
            const onehot = tf.oneHot(tf.tensor1d(batch.labels, "int32"), heads);
            return tf.losses.softmaxCrossEntropy(onehot, model.apply(batch.x, { training: true }) as tf.Tensor) as tf.Scalar;
          }, true)!;
          const next = tf.tidy(() => lossSum.add(cost.mul(batch.labels.length)) as tf.Scalar);
          tf.dispose([cost, lossSum]);
          lossSum = next;
        } finally {
          batch.x.dispose();
        }
      }
      const total = (await lossSum.data())[0];
      lossSum.dispose();
      log(`features: epoch ${epoch + 1}/${epochs}, train loss ${(total / split.count).toFixed(4)}`);
    }
  } finally {
    optimizer.dispose();
  }
}

/**
 * Share of the test split the head gets right for `objective` (for `flips`, each test image flipped by a
 * flip from the fixed "features/test-flips" stream, the same for every seed). NaN for an empty split.
 */
export function objectiveAccuracy(model: tf.LayersModel, split: Split, shape: ImageShape, objective: FeatureObjective): number {
  if (split.count === 0) return Number.NaN;
  const seen = objectiveSplit(split, shape, objective, streamFor(0, "features/test-flips"));
  let correct = 0;
  for (const batch of batches(seen, 500, identityOrder(seen.count), shape)) {
    const predicted = tf.tidy(() => (model.apply(batch.x, { training: false }) as tf.Tensor).argMax(-1).dataSync());
    batch.x.dispose();
    for (let i = 0; i < batch.labels.length; i++) if (predicted[i] === batch.labels[i]) correct++;
  }
  return correct / split.count;
}
