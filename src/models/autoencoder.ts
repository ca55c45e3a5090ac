import type * as tf from "@tensorflow/tfjs";
import type { ModelSpec } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { assembleVariant, autoencode, buildAutoencoder, pixelLikelihood } from "./base.js";
import type { PerceptualLoss } from "./perceptual-term.js";
import { standardNormal } from "./prior.js";
import type { Variant } from "./variant.js";

/**
 * AE (deterministic code) or VAE (Gaussian code): encoder and decoder descend recon (+ beta * KL). recon
 * is the likelihood's negative log-likelihood; a learned scale is a weight of the decoder, so it trains
 * and checkpoints with it, and a gaussian's or laplace's scale is logged as diagnostics/likelihood/*.
 */
export function buildAutoencoderVariant(model: ModelSpec, shape: ImageShape, gaussian: boolean, rng: Rng, perceptual?: PerceptualLoss): Variant {
  const { encoder, decoder } = buildAutoencoder(model, shape, gaussian, rng);
  const likelihood = pixelLikelihood(model, decoder);
  return assembleVariant({
    name: gaussian ? "vae" : "ae",
    encoder,
    decoder,
    likelihood,
    prior: gaussian ? standardNormal(model.latent.size) : undefined,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        run: ({ x, noise }) => {
          const { logits, kl } = autoencode(encoder, decoder, x, noise, model.beta);
          const feature = perceptual ? [perceptual.term(likelihood.mean(logits) as tf.Tensor4D, x)] : [];
          return {
            terms: [{ name: "recon", weight: 1, value: likelihood.loss(logits, x) }, ...feature, ...(kl ? [kl] : [])],
            diagnostics: likelihood.diagnostics(logits, x),
          };
        },
      },
    ],
  });
}
