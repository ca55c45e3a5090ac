import * as tf from "@tensorflow/tfjs";

/**
 * The importance-weighted bound on log p(x) (Burda et al. 2016) of a VAE with a Gaussian q(z | x) and an
 * N(0, I) prior, per example, in nats:
 *
 *   log p(x) ≥ log (1/k) Σᵢ p(x | zᵢ) p(zᵢ) / q(zᵢ | x),   zᵢ = μ + σ εᵢ,  εᵢ ~ N(0, I),
 *
 * tight as k → ∞ (k = 1 is the ELBO). `logLikelihood(z)` is log p(x | z) summed over pixels, one value per
 * example. log p(z) − log q(z | x) = Σ_d (−z²/2 + ε²/2 + logVar/2): the ½ log 2π terms cancel.
 */
export function iwaeLogLikelihood(
  mean: tf.Tensor2D,
  logVariance: tf.Tensor2D,
  samples: number,
  normal: (shape: number[]) => tf.Tensor,
  logLikelihood: (z: tf.Tensor2D) => tf.Tensor1D,
): tf.Tensor1D {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`iwae: samples must be a whole number >= 1 (got ${samples})`);
  return tf.tidy(() => {
    const weights: tf.Tensor1D[] = [];
    for (let i = 0; i < samples; i++) {
      weights.push(
        tf.tidy(() => {
          const eps = normal(mean.shape);
          const z = tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), eps)) as tf.Tensor2D;
          const logPriorOverPosterior = tf.sum(tf.mul(0.5, tf.add(tf.sub(tf.square(eps), tf.square(z)), logVariance)), 1);
          return tf.add(logLikelihood(z), logPriorOverPosterior) as tf.Tensor1D;
        }),
      );
    }
    return tf.sub(tf.logSumExp(tf.stack(weights), 0), Math.log(samples)) as tf.Tensor1D;
  });
}
