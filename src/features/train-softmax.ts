import * as tf from "@tensorflow/tfjs";
import { batches, type ImageShape, type Split } from "../data/index.js";

export interface SoftmaxTraining {
  /** Output units of the model's head: labels are one-hot encoded to this width. */
  heads: number;
  batchSize: number;
  lr: number;
  epochs: number;
  /** The split an epoch trains on (shifted, flipped, ...), and the order it is seen in; both seeded by the caller. */
  epochData(epoch: number): { split: Split; order: Uint32Array };
  /** Called once per epoch with the mean training loss (the one read-back of the epoch). */
  onEpoch(epoch: number, meanLoss: number): void;
}

/**
 * Trains `model` (images -> head logits) with Adam on softmax cross-entropy, as the dataset classifier and
 * the feature network both do. The loss is summed on the backend and read once per epoch, so a step never
 * waits for a read-back; the same epoch data and seeds give the same weights on a backend.
 */
export async function trainSoftmax(model: tf.LayersModel, shape: ImageShape, training: SoftmaxTraining): Promise<void> {
  const optimizer = tf.train.adam(training.lr);
  try {
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      const { split, order } = training.epochData(epoch);
      let lossSum = tf.scalar(0);
      for (const batch of batches(split, training.batchSize, order, shape)) {
        try {
          const cost = optimizer.minimize(() => {
            const onehot = tf.oneHot(tf.tensor1d(batch.labels, "int32"), training.heads);
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
      training.onEpoch(epoch, total / split.count);
    }
  } finally {
    optimizer.dispose();
  }
}
