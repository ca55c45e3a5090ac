import * as tf from "@tensorflow/tfjs";
import { cbNll } from "./likelihoods/continuous-bernoulli.js";

/**
 * The pixel losses that need no parameter besides the decoder's logits. Each is a negative
 * log-likelihood per pixel, up to a constant: mse a Gaussian with σ² = ½ (minus ½ log π), l1 a Laplace
 * with b = 1 (minus log 2), bce a Bernoulli (a normalised density only on binary targets: on greyscale
 * targets it lacks the continuous Bernoulli's log C(λ)), cbernoulli the continuous Bernoulli itself.
 * gaussian and laplace with a scale live in likelihoods/.
 */
export type ReconKind = "mse" | "bce" | "l1" | "cbernoulli";

/**
 * Per-pixel loss of the decoder's output against the target, before any reduction. The decoder emits
 * logits; mse and l1 act on sigmoid(logits), so all the losses see the same output parameterisation.
 */
export function pixelLoss(kind: ReconKind, logits: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    switch (kind) {
      case "bce":
        return bceWithLogits(logits, target);
      case "mse":
        return tf.squaredDifference(tf.sigmoid(logits), target);
      case "l1":
        return tf.abs(tf.sub(tf.sigmoid(logits), target));
      case "cbernoulli":
        return cbNll(logits, target);
    }
  });
}

/**
 * Binary cross-entropy from logits z against targets x in [0, 1]:
 * max(z, 0) - z*x + log(1 + exp(-|z|)), which never takes the log of 0 or exp of a large number.
 */
export function bceWithLogits(logits: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
}

/** Sum over every axis but the first: one value per example. */
export function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.reshape(t, [t.shape[0], -1]), 1) as tf.Tensor1D);
}

/** The reduction aelab uses for every pixel loss: summed over pixels, averaged over the batch. */
export function reconstructionLoss(kind: ReconKind, logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(sumPerExample(pixelLoss(kind, logits, target))) as tf.Scalar);
}
