import type * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildWithLatentAdversary } from "./adversarial-term.js";
import { assembleVariant, pixelLikelihood } from "./base.js";
import { buildPrior } from "./prior.js";
import type { PerceptualLoss } from "./perceptual-term.js";
import type { LossTerm, Phase, Variant } from "./variant.js";

/**
 * Adversarial autoencoder (Makhzani et al. 2015): a deterministic code matched to the prior by a
 * discriminator on codes; recon is any likelihood's negative log-likelihood. `adversarial.aaeUpdates`
 * chooses between:
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
 * are `ae`'s with the same likelihood, bit for bit. `model.latentDiscriminator.spectralNorm` normalises the latent discriminator's
 * layers; its own phase advances their power iteration, one step per update.
 */
export function buildAaeVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, rng: Rng, perceptual?: PerceptualLoss): Variant {
  const { encoder, decoder, adversary } = buildWithLatentAdversary(model, adversarial, shape, rng);
  const likelihood = pixelLikelihood(model, decoder);
  const latentDiscriminator = adversary.discriminator;
  const prior = buildPrior(model.latent.prior, model.latent.size);
  /** The reconstruction term of codes, with the likelihood's scale to log. */
  const reconstruct = (codes: tf.Tensor2D, x: tf.Tensor4D): { terms: LossTerm[]; diagnostics: Record<string, tf.Scalar> } => {
    const logits = decoder.decode(codes);
    const recon: LossTerm = { name: "recon", weight: 1, value: likelihood.loss(logits, x) };
    const feature = perceptual ? [perceptual.term(likelihood.mean(logits) as tf.Tensor4D, x)] : [];
    return { terms: [recon, ...feature], diagnostics: likelihood.diagnostics(logits, x) };
  };
  const latentDiscriminatorPhase = adversary.phase({
    name: "latent_discriminator",
    logits: ({ x, noise, shared }) => {
      const codes = (shared.get("codes") as tf.Tensor2D | undefined) ?? encoder.encode(x).embedding;
      const real = latentDiscriminator.discriminate(prior.sample(x.shape[0], noise));
      const fake = latentDiscriminator.discriminate(codes);
      return { real, fakes: [fake], verdicts: { "D(prior)": real, "D(codes)": fake } };
    },
  });
  const parts = { name: "aae", encoder, decoder, likelihood, extra: { latentDiscriminator: latentDiscriminator.model }, prior };

  if (adversarial.aaeUpdates === "joint") {
    const variant = assembleVariant({
      ...parts,
      phases: [
        {
          name: "autoencoder",
          trains: ["encoder", "decoder"],
          every: adversarial.discriminatorSteps,
          run: (ctx) => {
            const codes = encoder.encode(ctx.x).embedding;
            const recon = reconstruct(codes, ctx.x);
            // Warm-up: exactly ae's step, without a latent discriminator pass.
            if (adversary.warmingUp(ctx)) return { terms: recon.terms, diagnostics: recon.diagnostics };
            // The schema allows only a fixed lambda here, so the reconstruction is never asked for.
            const fool = adversary.fool(ctx, [latentDiscriminator.discriminate(codes)], () => recon.terms[0].value);
            return { terms: [...recon.terms, fool.term], share: { codes }, diagnostics: { ...recon.diagnostics, ...fool.diagnostics } };
          },
        },
        latentDiscriminatorPhase,
      ],
    });
    return adversary.attach(variant);
  }

  // Nothing is shared between the phases: each sees the weights the phases before it left.
  const variant = assembleVariant({
    ...parts,
    phases: [
      {
        name: "autoencoder",
        trains: ["encoder", "decoder"],
        every: adversarial.discriminatorSteps,
        run: ({ x }) => {
          const recon = reconstruct(encoder.encode(x).embedding, x);
          return { terms: recon.terms, diagnostics: recon.diagnostics };
        },
      },
      latentDiscriminatorPhase,
    ],
  });
  const regularization: Phase = {
    name: "regularization",
    trains: ["encoder"],
    every: adversarial.discriminatorSteps,
    start: adversary.start,
    ownOptimizer: { settingsOf: "latentDiscriminator" },
    run: (ctx) => {
      const fool = adversary.fool(ctx, [latentDiscriminator.discriminate(encoder.encode(ctx.x).embedding)], () => {
        throw new Error("aae's regularisation has no reconstruction term to balance lambda against");
      });
      return { terms: [fool.term], diagnostics: fool.diagnostics };
    },
  };
  // assembleVariant allows one phase per network; the paper's encoder learns in two, which is added here.
  return adversary.attach({ ...variant, phases: [...variant.phases, regularization] });
}
