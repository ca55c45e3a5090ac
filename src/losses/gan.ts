import * as tf from "@tensorflow/tfjs";
import { bceWithLogits } from "./reconstruction.js";

/**
 * bce: the non-saturating GAN loss (Goodfellow et al. 2014): the discriminator's binary cross-entropy,
 * and for the generator -log D(fake) rather than log(1 - D(fake)), which saturates early in training.
 * lsgan: least squares on the raw outputs (Mao et al. 2017), real toward 1 and fake toward 0.
 */
export type GanLossKind = "bce" | "lsgan";

/** Mean over the batch of the per-example loss of pushing `logits` toward `target`. */
function towards(kind: GanLossKind, logits: tf.Tensor2D, target: number): tf.Scalar {
  return tf.tidy(() =>
    kind === "bce"
      ? (tf.mean(bceWithLogits(logits, tf.fill(logits.shape, target))) as tf.Scalar)
      : (tf.mul(0.5, tf.mean(tf.square(tf.sub(logits, target)))) as tf.Scalar),
  );
}

/**
 * The discriminator's loss: real inputs toward 1 - labelSmoothing (one-sided smoothing, Salimans et al.
 * 2016), every kind of fake toward 0; the fake kinds' losses are summed, as in Larsen et al.
 */
export function discriminatorLoss(kind: GanLossKind, real: tf.Tensor2D, fakes: readonly tf.Tensor2D[], labelSmoothing = 0): tf.Scalar {
  return tf.tidy(() => fakes.reduce<tf.Scalar>((sum, fake) => tf.add(sum, towards(kind, fake, 0)), towards(kind, real, 1 - labelSmoothing)));
}

/** The generator's loss for one kind of fake: make the discriminator call it real. */
export function generatorLoss(kind: GanLossKind, fake: tf.Tensor2D): tf.Scalar {
  return towards(kind, fake, 1);
}

/** What the discriminator says of its inputs on average: D(x) as a probability for bce, the raw score for lsgan. */
export function meanVerdict(kind: GanLossKind, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(kind === "bce" ? tf.sigmoid(logits) : logits) as tf.Scalar);
}
