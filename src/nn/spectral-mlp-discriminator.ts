import * as tf from "@tensorflow/tfjs";
import type { MlpDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";
import { discriminatorFromModel, resolveFeatureLayer } from "./discriminator-output.js";
import type { Discriminator, ImageShape } from "./modules.js";
import { SpectralDense } from "./spectral-norm.js";

/**
 * The MLP discriminator (mlp-discriminator.ts) with every dense layer spectrally normalised (Miyato et
 * al. 2018): the same layers, names and outputs.
 */
export function buildSpectralMlpDiscriminator(spec: MlpDiscriminatorSpec, shape: ImageShape, rng: Rng): Discriminator {
  const layer = resolveFeatureLayer(spec.featureLayer, spec.hidden.length, "hidden layers");
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "discriminator_input" });
  let h = tf.layers.flatten({ name: "discriminator_flatten" }).apply(input) as tf.SymbolicTensor;
  const hidden: tf.SymbolicTensor[] = [];
  spec.hidden.forEach((units, i) => {
    h = new SpectralDense({ name: `discriminator_dense_${i}`, units, kernelSeed: rng.seed(), uSeed: rng.seed() }).apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `discriminator_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
    hidden.push(h);
  });
  const logit = new SpectralDense({ name: "discriminator_logit", units: 1, kernelSeed: rng.seed(), uSeed: rng.seed() }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [logit, hidden[layer]], name: "discriminator" });
  return discriminatorFromModel(model);
}
