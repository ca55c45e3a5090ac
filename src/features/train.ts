import * as tf from "@tensorflow/tfjs";
import { batches, identityOrder, shiftImages, type Dataset, type ImageShape, type Split } from "../data/index.js";
import { streamFor } from "../random/rng.js";
import { objectiveSplit } from "./objective.js";
import { trainSoftmax } from "./train-softmax.js";
import { FEATURE_NET_SPEC, type FeatureObjective } from "../config/feature-network-spec.js";

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
  await trainSoftmax(model, shape, {
    heads,
    batchSize: FEATURE_NET_SPEC.batchSize,
    lr: FEATURE_NET_SPEC.lr,
    epochs,
    epochData: (epoch) => {
      const shifted = shiftImages(split, shape, FEATURE_NET_SPEC.maxShift, streamFor(seed, `features/shift/epoch-${epoch}`));
      return {
        order: streamFor(seed, `features/shuffle/epoch-${epoch}`).permutation(split.count),
        split: objectiveSplit(shifted, shape, objective, streamFor(seed, `features/flip/epoch-${epoch}`)),
      };
    },
    onEpoch: (epoch, loss) => log(`features: epoch ${epoch + 1}/${epochs}, train loss ${loss.toFixed(4)}`),
  });
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
