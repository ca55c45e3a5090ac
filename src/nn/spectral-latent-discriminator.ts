import * as tf from "@tensorflow/tfjs";
import type { LatentDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";
import type { LatentDiscriminator } from "./modules.js";
import { SpectralDense } from "./spectral-norm.js";

/**
 * AAE's discriminator on codes (latent-discriminator.ts) with every dense layer spectrally normalised
 * (Miyato et al. 2018): the same layers, names and output.
 */
export function buildSpectralLatentDiscriminator(spec: LatentDiscriminatorSpec, latentSize: number, rng: Rng): LatentDiscriminator {
  const input = tf.input({ shape: [latentSize], name: "latent_discriminator_input" });
  let h = input;
  spec.hidden.forEach((units, i) => {
    h = new SpectralDense({ name: `latent_discriminator_dense_${i}`, units, kernelSeed: rng.seed(), uSeed: rng.seed() }).apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `latent_discriminator_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
  });
  const logit = new SpectralDense({ name: "latent_discriminator_logit", units: 1, kernelSeed: rng.seed(), uSeed: rng.seed() }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logit, name: "latent_discriminator" });
  return {
    model,
    discriminate: (z: tf.Tensor2D) => model.apply(z) as tf.Tensor2D,
  };
}
