import * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { reconstructionLoss, type ReconKind } from "../losses/reconstruction.js";
import { buildDiscriminator } from "../nn/build.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { assembleVariant, autoencode, buildAutoencoder } from "./base.js";
import { standardNormal } from "./prior.js";
import type { Variant } from "./variant.js";

/**
 * AE or VAE plus a pixel-space GAN: encoder and decoder descend recon (+ beta * KL) + lambda * (fool the
 * discriminator on reconstructions); the discriminator descends its GAN loss (inputs real, reconstructions
 * fake). With lambda = 0 the encoder and decoder follow the plain variant exactly (tested).
 */
export function buildPixelGanVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, gaussian: boolean, rng: Rng): Variant {
  const { encoder, decoder } = buildAutoencoder(model, shape, gaussian, rng);
  const discriminator = buildDiscriminator(model, shape, rng);
  const recon = model.recon as ReconKind;
  const gan = adversarial.loss;
  return assembleVariant({
    name: gaussian ? "vae+gan" : "ae+gan",
    encoder,
    decoder,
    extra: { discriminator: discriminator.model },
    prior: gaussian ? standardNormal(model.latent.size) : undefined,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        every: adversarial.discriminatorSteps,
        run: ({ x, noise }) => {
          const { logits, kl } = autoencode(encoder, decoder, x, noise, model.beta);
          const reconstruction = tf.sigmoid(logits) as tf.Tensor4D;
          const fool = generatorLoss(gan, discriminator.discriminate(reconstruction).logit);
          return {
            terms: [{ name: "recon", weight: 1, value: reconstructionLoss(recon, logits, x) }, ...(kl ? [kl] : []), { name: "gan", weight: adversarial.weight, value: fool }],
            share: { reconstruction },
          };
        },
      },
      {
        name: "discriminator",
        trains: ["discriminator"],
        run: ({ x, noise, shared }) => {
          const fake = (shared.get("reconstruction") as tf.Tensor4D | undefined) ?? (tf.sigmoid(autoencode(encoder, decoder, x, noise, model.beta).logits) as tf.Tensor4D);
          const real = discriminator.discriminate(x).logit;
          const fakeLogit = discriminator.discriminate(fake).logit;
          return {
            terms: [{ name: "gan", weight: 1, value: discriminatorLoss(gan, real, [fakeLogit], adversarial.labelSmoothing) }],
            diagnostics: { "D(x)": meanVerdict(gan, real), "D(reconstruction)": meanVerdict(gan, fakeLogit) },
          };
        },
      },
    ],
  });
}
