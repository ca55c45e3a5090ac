import * as tf from "@tensorflow/tfjs";
import type { LatentDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { mlpTrunk, seededDense } from "./mlp.js";
import type { LatentDiscriminator } from "./modules.js";

/** AAE's discriminator on codes (Makhzani et al. 2015): hidden dense layers with the activation, a dense logit. */
export function buildMlpLatentDiscriminator(spec: LatentDiscriminatorSpec, latentSize: number, rng: Rng): LatentDiscriminator {
  const input = tf.input({ shape: [latentSize], name: "latent_discriminator_input" });
  const h = mlpTrunk(input, spec, "latent_discriminator", rng);
  const logit = seededDense(1, "latent_discriminator_logit", rng).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logit, name: "latent_discriminator" });
  return {
    model,
    discriminate: (z: tf.Tensor2D) => model.apply(z) as tf.Tensor2D,
  };
}
