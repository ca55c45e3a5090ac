import * as tf from "@tensorflow/tfjs";

/**
 * KL(N(mean, exp(logVar)) || N(0, I)) per latent dimension and example:
 * 0.5 * (exp(logVar) + mean^2 - 1 - logVar). Shape [batch, latent].
 */
export function gaussianKlPerDimension(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), 1), logVar)) as tf.Tensor2D);
}

/** Analytic Gaussian KL to the standard normal prior, summed over latent dimensions, averaged over the batch. */
export function gaussianKl(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(gaussianKlPerDimension(mean, logVar), 1)) as tf.Scalar);
}
