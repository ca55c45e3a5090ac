import * as tf from "@tensorflow/tfjs";
import type { ConvDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { convStack } from "./conv.js";
import { discriminatorFromModel, resolveFeatureLayer } from "./discriminator-output.js";
import { denseStack, seededDense } from "./mlp.js";
import type { Discriminator, ImageShape } from "./modules.js";

/**
 * A DCGAN-style discriminator: strided convs with the activation, flatten, optional dense hidden layers,
 * a dense logit. Its second output is the flattened activation of conv layer `featureLayer` (VAE-GAN's
 * Dis_l). No batch norm, unlike DCGAN: it would mix the examples of a batch and carry moving statistics
 * outside the gradient, so which loss trains which variable would no longer be simple to route, nor the
 * forward pass a pure, deterministic function of its input.
 */
export function buildConvDiscriminator(spec: ConvDiscriminatorSpec, shape: ImageShape, rng: Rng): Discriminator {
  const layer = resolveFeatureLayer(spec.featureLayer, spec.filters.length, "conv layers");
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "discriminator_input" });
  const maps = convStack(input, spec, "discriminator", rng);
  const last = maps.length - 1;
  const flat = tf.layers.flatten({ name: "discriminator_flatten" }).apply(maps[last]) as tf.SymbolicTensor;
  const h = denseStack(flat, spec.hidden, spec.activation, "discriminator", rng).at(-1) ?? flat;
  const logit = seededDense(1, "discriminator_logit", rng).apply(h) as tf.SymbolicTensor;
  const features = layer === last ? flat : (tf.layers.flatten({ name: "discriminator_features" }).apply(maps[layer]) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: [logit, features], name: "discriminator" });
  return discriminatorFromModel(model);
}
