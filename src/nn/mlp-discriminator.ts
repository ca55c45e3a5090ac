import * as tf from "@tensorflow/tfjs";
import type { MlpDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { discriminatorFromModel, resolveFeatureLayer } from "./discriminator-output.js";
import { denseStack, seededDense } from "./mlp.js";
import type { Discriminator, ImageShape } from "./modules.js";

/**
 * An MLP discriminator on images: flatten, hidden dense layers with the activation, a dense logit. Its
 * second output is the activation of hidden layer `featureLayer` (VAE-GAN's Dis_l). No batch norm: it
 * would mix the examples of a batch and carry moving statistics outside the gradient, so which loss
 * trains which variable would no longer be simple to route, nor the forward pass a pure function.
 */
export function buildMlpDiscriminator(spec: MlpDiscriminatorSpec, shape: ImageShape, rng: Rng): Discriminator {
  const layer = resolveFeatureLayer(spec.featureLayer, spec.hidden.length, "hidden layers");
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "discriminator_input" });
  const flat = tf.layers.flatten({ name: "discriminator_flatten" }).apply(input) as tf.SymbolicTensor;
  const hidden = denseStack(flat, spec.hidden, spec.activation, "discriminator", rng);
  const logit = seededDense(1, "discriminator_logit", rng).apply(hidden[hidden.length - 1]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [logit, hidden[layer]], name: "discriminator" });
  return discriminatorFromModel(model);
}
