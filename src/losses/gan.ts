import * as tf from "@tensorflow/tfjs";
import { bceWithLogits } from "./reconstruction.js";

/**
 * bce: the non-saturating GAN loss (Goodfellow et al. 2014): the discriminator's binary cross-entropy,
 * and for the generator -log D(fake) rather than log(1 - D(fake)), which saturates early in training.
 * lsgan: least squares on the raw outputs (Mao et al. 2017), real toward 1 and fake toward 0.
 * hinge: the discriminator pushes real scores above +1 and fake ones below -1 and is indifferent beyond
 * (Lim & Ye 2017; Miyato et al. 2018; the VQGAN autoencoder, Esser et al. 2021); the generator raises
 * the raw score of its fakes, -mean D(fake).
 */
export type GanLossKind = "bce" | "lsgan" | "hinge";

/** Mean over the batch of the per-example loss of pushing `logits` toward `target`. */
function towards(kind: "bce" | "lsgan", logits: tf.Tensor2D, target: number): tf.Scalar {
  return tf.tidy(() =>
    kind === "bce"
      ? (tf.mean(bceWithLogits(logits, tf.fill(logits.shape, target))) as tf.Scalar)
      : (tf.mul(0.5, tf.mean(tf.square(tf.sub(logits, target)))) as tf.Scalar),
  );
}

/** The hinge's half for one side: mean(relu(1 - s * logits)), s = +1 for real, -1 for fake. */
function hinge(logits: tf.Tensor2D, sign: 1 | -1): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.relu(tf.sub(1, sign === 1 ? logits : tf.neg(logits)))) as tf.Scalar);
}

/**
 * The discriminator's loss: real inputs toward 1 - labelSmoothing (one-sided smoothing, Salimans et al.
 * 2016), every kind of fake toward 0; the fake kinds' losses are summed, as in Larsen et al.
 */
export function discriminatorLoss(kind: GanLossKind, real: tf.Tensor2D, fakes: readonly tf.Tensor2D[], labelSmoothing = 0): tf.Scalar {
  if (kind === "hinge") {
    // A hinge has no target to smooth; a silently ignored option would mislead.
    if (labelSmoothing !== 0) throw new Error(`adversarial.labelSmoothing does not apply to the hinge loss (got ${labelSmoothing})`);
    return tf.tidy(() => fakes.reduce<tf.Scalar>((sum, fake) => tf.add(sum, hinge(fake, -1)), hinge(real, 1)));
  }
  return tf.tidy(() => fakes.reduce<tf.Scalar>((sum, fake) => tf.add(sum, towards(kind, fake, 0)), towards(kind, real, 1 - labelSmoothing)));
}

/** The generator's loss for one kind of fake: make the discriminator call it real. */
export function generatorLoss(kind: GanLossKind, fake: tf.Tensor2D): tf.Scalar {
  return kind === "hinge" ? tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar) : towards(kind, fake, 1);
}

/** What the discriminator says of its inputs on average: D(x) as a probability for bce, the raw score for lsgan and hinge. */
export function meanVerdict(kind: GanLossKind, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(kind === "bce" ? tf.sigmoid(logits) : logits) as tf.Scalar);
}
