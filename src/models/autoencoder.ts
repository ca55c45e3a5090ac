import type { ModelSpec } from "../config/schema.js";
import { reconstructionLoss, type ReconKind } from "../losses/reconstruction.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { assembleVariant, autoencode, buildAutoencoder } from "./base.js";
import { standardNormal } from "./prior.js";
import type { Variant } from "./variant.js";

/** AE (deterministic code) or VAE (Gaussian code): encoder and decoder descend recon (+ beta * KL). */
export function buildAutoencoderVariant(model: ModelSpec, shape: ImageShape, gaussian: boolean, rng: Rng): Variant {
  const { encoder, decoder } = buildAutoencoder(model, shape, gaussian, rng);
  const recon = model.recon as ReconKind;
  return assembleVariant({
    name: gaussian ? "vae" : "ae",
    encoder,
    decoder,
    prior: gaussian ? standardNormal(model.latent.size) : undefined,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        run: ({ x, noise }) => {
          const { logits, kl } = autoencode(encoder, decoder, x, noise, model.beta);
          return { terms: [{ name: "recon", weight: 1, value: reconstructionLoss(recon, logits, x) }, ...(kl ? [kl] : [])] };
        },
      },
    ],
  });
}
