import * as tf from "@tensorflow/tfjs";

/** How a Gaussian's σ or a Laplace's scale b is set: fixed, a trained weight of the decoder, or the batch's MLE. */
export type ScaleSpec = number | "learned" | "optimal";

/**
 * A learned or optimal log scale never goes below this: σ ≥ e^−6 ≈ 0.0025. Without a floor a
 * near-perfect reconstruction drives σ → 0 and the NLL → −∞ (the σ-VAE code, Rybkin et al. 2021, clips
 * at the same value). A learned one is clipped softly (softClipLogScale), so its gradient never dies; the
 * optimal one, which has no gradient, hard (a soft clip would raise σ by 2.5% at σ = 0.1).
 */
export const MIN_LOG_SCALE = -6;

/** min + softplus(v − min): ≈ v above min, never below it, smooth (σ-VAE's softclip). */
export function softClipLogScale(logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(MIN_LOG_SCALE, tf.softplus(tf.sub(logScale, MIN_LOG_SCALE))));
}

/** The identity with a zero gradient: tfjs has no stopGradient op. */
export function stopGradient<T extends tf.Tensor>(t: T): T {
  const f = tf.customGrad((...inputs) => ({ value: tf.clone(inputs[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }));
  return f(t) as T;
}

/**
 * Gaussian NLL per pixel, mean μ = sigmoid(logits), standard deviation e^logScale (a scalar tensor):
 * ½((x − μ)/σ)² + log σ + ½ log 2π. σ² = ½ gives mse plus the constant ½ log π.
 */
export function gaussianNll(logits: tf.Tensor, target: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.add(tf.mul(0.5, tf.square(tf.mul(tf.sub(target, tf.sigmoid(logits)), tf.exp(tf.neg(logScale))))), tf.add(logScale, 0.5 * Math.log(2 * Math.PI))),
  );
}

/** Laplace NLL per pixel, location μ = sigmoid(logits), scale b = e^logScale: |x − μ|/b + log 2b. b = 1 gives l1 plus log 2. */
export function laplaceNll(logits: tf.Tensor, target: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.abs(tf.sub(target, tf.sigmoid(logits))), tf.exp(tf.neg(logScale))), tf.add(logScale, Math.LN2)));
}

/**
 * The maximum-likelihood log scale for this batch, with no gradient through it (σ-VAE's "optimal σ"):
 * gaussian: σ² = mean squared error over every pixel of the batch; laplace: b = mean absolute error.
 * Floored at MIN_LOG_SCALE. Since it minimises the NLL over σ, dropping its gradient changes
 * nothing at the optimum (envelope theorem) and keeps it out of the tape.
 */
export function optimalLogScale(kind: "gaussian" | "laplace", logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const mean = tf.sigmoid(logits);
    const raw = kind === "gaussian" ? tf.mul(0.5, tf.log(tf.mean(tf.squaredDifference(target, mean)))) : tf.log(tf.mean(tf.abs(tf.sub(target, mean))));
    return tf.maximum(stopGradient(raw), MIN_LOG_SCALE) as tf.Scalar;
  });
}
