import * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { ConfigError } from "../config/errors.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { reconstructionLoss, type ReconKind } from "../losses/reconstruction.js";
import { buildDiscriminator } from "../nn/build.js";
import type { ImageShape } from "../nn/modules.js";
import { buildSpectralMlpDiscriminator } from "../nn/spectral-mlp-discriminator.js";
import { advanceSpectralNorm, hasSpectralNorm } from "../nn/spectral-norm.js";
import type { Rng } from "../random/rng.js";
import { adversarialWeight, checkBalance, lastLayerKernel, withWeightState } from "./adversarial-weight.js";
import { assembleVariant, autoencode, buildAutoencoder } from "./base.js";
import { standardNormal } from "./prior.js";
import type { LossTerm, Variant } from "./variant.js";

/**
 * AE or VAE plus a pixel-space GAN: encoder and decoder descend recon (+ beta * KL) + lambda * (fool the
 * discriminator on reconstructions); the discriminator descends its GAN loss (inputs real, reconstructions
 * fake). lambda is fixed, adaptive (Esser et al. 2021) or keeps a ratio to recon (`adversarial.balance`).
 * Before `adversarial.start` neither the adversarial term nor the discriminator runs, so those steps are
 * the plain variant's, bit for bit; so is every step with lambda = 0 (both tested).
 */
export function buildPixelGanVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, gaussian: boolean, rng: Rng): Variant {
  checkBalance(adversarial);
  if (adversarial.loss === "hinge" && adversarial.labelSmoothing !== 0) {
    throw new ConfigError(`adversarial.labelSmoothing does not apply to the hinge loss (got ${adversarial.labelSmoothing})`);
  }
  const { encoder, decoder } = buildAutoencoder(model, shape, gaussian, rng);
  const spec = model.discriminator;
  // build.ts builds the plain MLP discriminator; its spectrally normalised twin is built here.
  const discriminator = spec.type === "mlp" && spec.spectralNorm ? buildSpectralMlpDiscriminator(spec, shape, rng) : buildDiscriminator(model, shape, rng);
  const spectral = hasSpectralNorm(discriminator.model);
  const recon = model.recon as ReconKind;
  const gan = adversarial.loss;
  const { start } = adversarial;
  const lambda = adversarialWeight(adversarial, lastLayerKernel(decoder.model));
  const variant = assembleVariant({
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
        run: (ctx) => {
          const { logits, kl } = autoencode(encoder, decoder, ctx.x, ctx.noise, model.beta);
          const reconLoss = reconstructionLoss(recon, logits, ctx.x);
          const terms: LossTerm[] = [{ name: "recon", weight: 1, value: reconLoss }, ...(kl ? [kl] : [])];
          // Warm-up: exactly the plain variant's step, without a discriminator pass.
          if (ctx.step !== undefined && ctx.step < start) return { terms };
          const reconstruction = tf.sigmoid(logits) as tf.Tensor4D;
          const fool = generatorLoss(gan, discriminator.discriminate(reconstruction).logit);
          const weight = lambda.lambda(ctx, reconLoss, fool);
          return {
            terms: [...terms, { name: "gan", weight, value: fool }],
            share: { reconstruction },
            diagnostics: lambda.varies ? { adversarial_weight: weight as tf.Scalar } : undefined,
          };
        },
      },
      {
        name: "discriminator",
        trains: ["discriminator"],
        start: start > 0 ? start : undefined,
        run: ({ x, noise, shared, gradientNorm }) => {
          // Training only (the loop's tape offers gradientNorm): evaluation must not move the discriminator.
          if (spectral && gradientNorm) advanceSpectralNorm(discriminator.model);
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
  return withWeightState(variant, lambda);
}
