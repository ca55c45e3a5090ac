import * as tf from "@tensorflow/tfjs";
import { sumPerExample } from "./reconstruction.js";

/**
 * VAE-GAN's reconstruction loss in the discriminator's feature space (Larsen et al. 2016): the squared
 * error between the layer-l activations of the input and of its reconstruction, summed over features
 * and averaged over the batch (a Gaussian likelihood with unit variance, up to a constant and a factor 2).
 */
export function featureReconstruction(realFeatures: tf.Tensor2D, reconFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(sumPerExample(tf.squaredDifference(realFeatures, reconFeatures))) as tf.Scalar);
}
