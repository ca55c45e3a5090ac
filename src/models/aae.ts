import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { reconstructionLoss, type ReconKind } from "../losses/reconstruction.js";
import { buildLatentDiscriminator } from "../nn/build.js";
import type { ImageShape } from "../nn/modules.js";
import { buildSpectralLatentDiscriminator } from "../nn/spectral-latent-discriminator.js";
import { advanceSpectralNorm } from "../nn/spectral-norm.js";
import type { Rng } from "../random/rng.js";
import { assembleVariant, buildAutoencoder } from "./base.js";
import { buildPrior } from "./prior.js";
import type { Phase, Variant } from "./variant.js";

/**
 * Adversarial autoencoder (Makhzani et al. 2015): a deterministic code matched to the prior by a
 * discriminator on codes. `adversarial.aaeUpdates` chooses between:
 * - joint (default): phase "autoencoder": encoder and decoder descend recon + lambda * (fool the latent
 *   discriminator with the codes); the fool term reaches only the encoder, since it does not depend on
 *   the decoder. Phase "latent_discriminator": prior samples real, codes fake. Both gradients are taken
 *   at the same weights (one encoder pass), as Larsen et al. do for VAE-GAN.
 * - separate: the paper's section 2, on each batch one after the other: the reconstruction phase
 *   ("autoencoder": encoder and decoder descend recon), then the regularisation phase, whose
 *   discriminator first learns to tell prior samples from the codes of the updated encoder
 *   ("latent_discriminator") and whose generator, the encoder, then descends lambda * fool against the
 *   updated discriminator ("regularization"). As in implementations with an optimizer per phase (e.g.
 *   fducau/AAE_pytorch: optim_Q_enc and optim_Q_gen), the regularisation update has an encoder Adam of its
 *   own, `encoder.regularization`, so the moments of the two kinds of gradient stay apart; it is set like
 *   the latent discriminator's Adam (there, the generator and discriminator of the regularisation share reg_lr).
 * `adversarial.start` is a warm-up: before it the autoencoder trains on recon alone (no latent
 * discriminator pass) and neither the latent discriminator nor the regularisation runs, so those steps
 * are `ae`'s, bit for bit. `model.latentDiscriminator.spectralNorm` normalises the latent discriminator's
 * layers; its own phase advances their power iteration, one step per update.
 */
export function buildAaeVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, rng: Rng): Variant {
  const { encoder, decoder } = buildAutoencoder(model, shape, false, rng);
  const spectral = model.latentDiscriminator.spectralNorm;
  const latentDiscriminator = spectral ? buildSpectralLatentDiscriminator(model.latentDiscriminator, model.latent.size, rng) : buildLatentDiscriminator(model, rng);
  const prior = buildPrior(model.latent.prior, model.latent.size);
  const recon = model.recon as ReconKind;
  const gan = adversarial.loss;
  const { start } = adversarial;
  const from = start > 0 ? start : undefined;
  const latentDiscriminatorPhase: Phase = {
    name: "latent_discriminator",
    trains: ["latentDiscriminator"],
    start: from,
    run: ({ x, noise, shared, gradientNorm }) => {
      // Training only (the loop's tape offers gradientNorm): evaluation must not move the discriminator.
      if (spectral && gradientNorm) advanceSpectralNorm(latentDiscriminator.model);
      const codes = shared.get("codes") ?? encoder.encode(x).embedding;
      const real = latentDiscriminator.discriminate(prior.sample(x.shape[0], noise));
      const fake = latentDiscriminator.discriminate(codes as typeof real);
      return {
        terms: [{ name: "gan", weight: 1, value: discriminatorLoss(gan, real, [fake], adversarial.labelSmoothing) }],
        diagnostics: { "D(prior)": meanVerdict(gan, real), "D(codes)": meanVerdict(gan, fake) },
      };
    },
  };
  const parts = { name: "aae", encoder, decoder, extra: { latentDiscriminator: latentDiscriminator.model }, prior };

  if (adversarial.aaeUpdates === "joint") {
    return assembleVariant({
      ...parts,
      phases: [
        {
          name: "autoencoder",
          trains: ["encoder", "decoder"],
          every: adversarial.discriminatorSteps,
          run: ({ x, step }) => {
            const codes = encoder.encode(x).embedding;
            const reconTerm = { name: "recon", weight: 1, value: reconstructionLoss(recon, decoder.decode(codes), x) };
            // Warm-up: exactly ae's step, without a latent discriminator pass.
            if (step !== undefined && step < start) return { terms: [reconTerm] };
            const fool = generatorLoss(gan, latentDiscriminator.discriminate(codes));
            return { terms: [reconTerm, { name: "gan", weight: adversarial.weight, value: fool }], share: { codes } };
          },
        },
        latentDiscriminatorPhase,
      ],
    });
  }

  // Nothing is shared between the phases: each sees the weights the phases before it left.
  const variant = assembleVariant({
    ...parts,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        every: adversarial.discriminatorSteps,
        run: ({ x }) => ({ terms: [{ name: "recon", weight: 1, value: reconstructionLoss(recon, decoder.decode(encoder.encode(x).embedding), x) }] }),
      },
      latentDiscriminatorPhase,
    ],
  });
  const regularization: Phase = {
    name: "regularization",
    trains: ["encoder"],
    every: adversarial.discriminatorSteps,
    start: from,
    ownOptimizer: { settingsOf: "latentDiscriminator" },
    run: ({ x }) => ({
      terms: [{ name: "gan", weight: adversarial.weight, value: generatorLoss(gan, latentDiscriminator.discriminate(encoder.encode(x).embedding)) }],
    }),
  };
  // assembleVariant allows one phase per network; the paper's encoder learns in two, which is added here.
  return { ...variant, phases: [...variant.phases, regularization] };
}
