import type * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildWithPixelAdversary } from "./adversarial-term.js";
import { assembleVariant, autoencode, pixelLikelihood } from "./base.js";
import type { PerceptualLoss } from "./perceptual-term.js";
import { standardNormal } from "./prior.js";
import type { LossTerm, Variant } from "./variant.js";

/**
 * AE or VAE plus a pixel-space GAN: encoder and decoder descend recon (+ beta * KL) + lambda * (fool the
 * discriminator on reconstructions); the discriminator descends its GAN loss (inputs real, reconstructions
 * fake). recon is any likelihood's negative log-likelihood, and the reconstruction the discriminator sees
 * is the likelihood's mean (a continuous Bernoulli's is not sigmoid(logits)). lambda is fixed, adaptive
 * (Esser et al. 2021) or keeps a ratio to recon (`adversarial.balance`). Before `adversarial.start`
 * neither the adversarial term nor the discriminator runs, so those steps are the plain variant's, bit for
 * bit; so is every step with lambda = 0 (both tested).
 */
export function buildPixelGanVariant(
  model: ModelSpec,
  adversarial: AdversarialSpec,
  shape: ImageShape,
  gaussian: boolean,
  rng: Rng,
  perceptual?: PerceptualLoss,
): Variant {
  const { encoder, decoder, adversary } = buildWithPixelAdversary(model, adversarial, shape, gaussian, rng);
  const likelihood = pixelLikelihood(model, decoder);
  const { discriminator } = adversary;
  const variant = assembleVariant({
    name: gaussian ? "vae+gan" : "ae+gan",
    encoder,
    decoder,
    likelihood,
    extra: { discriminator: discriminator.model },
    prior: gaussian ? standardNormal(model.latent.size) : undefined,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        every: adversarial.discriminatorSteps,
        run: (ctx) => {
          const { logits, kl } = autoencode(encoder, decoder, ctx.x, ctx.noise, model.beta);
          const recon = likelihood.loss(logits, ctx.x);
          const reconstruction = likelihood.mean(logits) as tf.Tensor4D;
          const feature = perceptual ? [perceptual.term(reconstruction, ctx.x)] : [];
          const terms: LossTerm[] = [{ name: "recon", weight: 1, value: recon }, ...feature, ...(kl ? [kl] : [])];
          const scale = likelihood.diagnostics(logits, ctx.x);
          if (adversary.warmingUp(ctx)) return { terms, diagnostics: scale };
          const fool = adversary.fool(ctx, [discriminator.discriminate(reconstruction).logit], () => recon);
          return { terms: [...terms, fool.term], share: { reconstruction }, diagnostics: { ...scale, ...fool.diagnostics } };
        },
      },
      adversary.phase({
        name: "discriminator",
        logits: ({ x, noise, shared }) => {
          const fake =
            (shared.get("reconstruction") as tf.Tensor4D | undefined) ??
            (likelihood.mean(autoencode(encoder, decoder, x, noise, model.beta).logits) as tf.Tensor4D);
          const real = discriminator.discriminate(x).logit;
          const onFake = discriminator.discriminate(fake).logit;
          return { real, fakes: [onFake], verdicts: { "D(x)": real, "D(reconstruction)": onFake } };
        },
      }),
    ],
  });
  return adversary.attach(variant);
}
