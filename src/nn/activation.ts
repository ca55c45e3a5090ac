import * as tf from "@tensorflow/tfjs";
import type { Activation } from "../config/schema.js";

/** Leaky ReLU's slope for negative inputs, as in DCGAN and most VAE-GAN code. */
export const LEAKY_RELU_ALPHA = 0.2;

/** The activation as its own layer, so any activation (not only tf.layers' string names) can follow a layer. */
export function activationLayer(activation: Activation, name: string): tf.layers.Layer {
  if (activation === "leakyRelu") return tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name });
  return tf.layers.activation({ activation, name });
}
