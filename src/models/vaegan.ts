import * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { featureReconstruction } from "../losses/feature.js";
import { gaussianKl } from "../losses/kl.js";
import { bceWithLogits } from "../losses/reconstruction.js";
import type { DiscriminatorOutput, ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildWithPixelAdversary } from "./adversarial-term.js";
import { assembleVariant, pixelLikelihood, reparameterize } from "./base.js";
import { GATE_SIGNALS, larsenGate } from "./gating.js";
import type { PerceptualLoss } from "./perceptual-term.js";
import { standardNormal } from "./prior.js";
import type { LossTerm, PhaseResult, StepContext, Variant } from "./variant.js";

/**
 * VAE-GAN (Larsen et al. 2016), with the gradient routing of their eq. 9 written down in one place:
 *   encoder:       KL (beta) + feature reconstruction at the discriminator's layer l
 *   decoder:       gamma * feature reconstruction + GAN loss on reconstructions and prior samples
 *   discriminator: GAN loss (inputs real; reconstructions and decoded prior samples fake)
 * Each phase has its own gradient tape over its own network's variables, so no GAN gradient reaches the
 * encoder and the discriminator's update cannot move the encoder or decoder (a public implementation
 * gets this wrong by backpropagating three losses through shared graphs). The decoder uses the
 * non-saturating form: it descends -log D(fake), which raises the discriminator's loss on fakes (the
 * reference code ascends the discriminator's own loss, the saturating form).
 * Later phases reuse the codes, reconstructions and real features of earlier ones as constants, so all
 * three gradients are taken at the same weights, as in the reference code.
 *
 * Following the reference code (andersbll/autoencoding_beyond_pixels, model/aegan.py, AEGAN.setup):
 * - the discriminator weights real : reconstructions : prior samples as 0.5 : 0.25 : 0.25 (its
 *   real_vs_gen_weight 0.5, the generated half split evenly over the two kinds of fake), i.e. half the
 *   BCE of real against the mean over all fakes;
 * - gating (gating.ts) reads this step's BCE on real inputs and on all fakes, before any update.
 * Where aelab differs: its feature loss is the squared error, the reference's the Gaussian negative
 * log-likelihood, half of it; so the encoder's KL : feature ratio is the reference's at beta = 2, and
 * gamma is converted accordingly (see adversarial.gamma in the schema).
 *
 * The adversarial options: the decoder's GAN term has weight lambda (`adversarial.weight`, 1 by default
 * as in the paper), fixed, adaptive or ratio-balanced against the decoder's reconstruction term
 * gamma * feature (Esser et al.'s weight compares the two at the decoder's last kernel). Before
 * `adversarial.start` the decoder descends gamma * feature alone (no GAN term, no prior sample) and the
 * discriminator does not train, so the feature loss is taken in its initial feature space. A
 * spectrally normalised discriminator's power iteration advances in the discriminator's own phase.
 *
 * With a pixel likelihood as `model.recon` in place of `feature`, the same routing takes its negative
 * log-likelihood as the reconstruction term (encoder: KL + recon; decoder: gamma * recon + GAN), and the
 * discriminator sees the likelihood's mean: a proper likelihood against Larsen's learned one, everything
 * else equal. The discriminator then runs only for the GAN (no feature pass in the encoder's phase).
 */
export function buildVaeganVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, rng: Rng, perceptual?: PerceptualLoss): Variant {
  const { encoder, decoder, adversary } = buildWithPixelAdversary(model, adversarial, shape, true, rng);
  const { discriminator } = adversary;
  const likelihood = model.recon === "feature" ? undefined : pixelLikelihood(model, decoder);
  const meanOf = (logits: tf.Tensor4D) => (likelihood ? likelihood.mean(logits) : tf.sigmoid(logits)) as tf.Tensor4D;
  const prior = standardNormal(model.latent.size);
  const { gating, gamma } = adversarial;
  const gate = (signals: ReadonlyMap<string, number>) => larsenGate(signals, gating.equilibrium, gating.margin);

  const sampleCode = (x: tf.Tensor4D, noise: StepContext["noise"]): tf.Tensor2D => {
    const { embedding, logVariance } = encoder.encode(x);
    return reparameterize(embedding, logVariance!, noise);
  };
  const codeOf = ({ x, noise, shared }: StepContext) => (shared.get("z") as tf.Tensor2D | undefined) ?? sampleCode(x, noise);
  /** The discriminator on the inputs: the encoder phase's, when it ran this step. */
  const realOf = ({ x, shared }: StepContext): DiscriminatorOutput => {
    const features = shared.get("realFeatures") as tf.Tensor2D | undefined;
    const logit = shared.get("realLogit") as tf.Tensor2D | undefined;
    return features && logit ? { features, logit } : discriminator.discriminate(x);
  };

  const variant = assembleVariant({
    name: "vaegan",
    encoder,
    decoder,
    likelihood,
    extra: { discriminator: discriminator.model },
    prior,
    gateSignals: gating.enabled ? [...GATE_SIGNALS] : undefined,
    phases: [
      {
        name: "encoder",
        trains: ["encoder"],
        every: adversarial.discriminatorSteps,
        run: ({ x, noise }): PhaseResult => {
          const { embedding: mean, logVariance } = encoder.encode(x);
          const z = reparameterize(mean, logVariance!, noise);
          const kl: LossTerm = { name: "kl", weight: model.beta, value: gaussianKl(mean, logVariance!) };
          const logits = decoder.decode(z);
          const feature = perceptual ? [perceptual.term(meanOf(logits), x)] : [];
          if (likelihood) return { terms: [kl, { name: "recon", weight: 1, value: likelihood.loss(logits, x) }, ...feature], share: { z } };
          const { features: realFeatures, logit: realLogit } = discriminator.discriminate(x);
          const reconFeatures = discriminator.discriminate(tf.sigmoid(logits) as tf.Tensor4D).features;
          return {
            terms: [kl, { name: "feature_recon", weight: 1, value: featureReconstruction(realFeatures, reconFeatures) }, ...feature],
            share: { z, realFeatures, realLogit },
          };
        },
      },
      {
        name: "decoder",
        trains: ["decoder"],
        every: adversarial.discriminatorSteps,
        enabled: gating.enabled ? (signals) => gate(signals).decoder : undefined,
        run: (ctx) => {
          const logits = decoder.decode(codeOf(ctx));
          const reconstruction = meanOf(logits);
          // Larsen's feature loss needs the discriminator on both sides now; a likelihood needs none.
          let recon: tf.Scalar;
          let onReal: DiscriminatorOutput | undefined;
          let onRecon: DiscriminatorOutput | undefined;
          if (likelihood) recon = likelihood.loss(logits, ctx.x);
          else {
            onReal = realOf(ctx);
            onRecon = discriminator.discriminate(reconstruction);
            recon = featureReconstruction(onReal.features, onRecon.features);
          }
          const reconTerm = { name: likelihood ? "recon" : "feature_recon", weight: gamma, value: recon };
          // Weighted by gamma as the reconstruction term is in the decoder's phase.
          const reconTerms = perceptual ? [reconTerm, perceptual.term(reconstruction, ctx.x, gamma)] : [reconTerm];
          const scale = likelihood ? likelihood.diagnostics(logits, ctx.x) : {};
          // Warm-up: no GAN term and no prior sample; the discriminator phase does not run either.
          if (adversary.warmingUp(ctx)) return { terms: reconTerms, diagnostics: scale };
          const onReconLogit = (onRecon ?? discriminator.discriminate(reconstruction)).logit;
          const priorSample = meanOf(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise)));
          const onPrior = discriminator.discriminate(priorSample).logit;
          // Balanced against the reconstruction term as the decoder descends it: gamma * recon.
          const fool = adversary.fool(ctx, [onReconLogit, onPrior], () => tf.mul(recon, gamma) as tf.Scalar);
          return {
            terms: [...reconTerms, fool.term],
            share: { reconstruction, priorSample },
            // The gate needs this step's signals before the decoder's update is applied; the discriminator
            // phase computes the same numbers (same inputs, same weights) when the decoder is off schedule.
            diagnostics: {
              ...scale,
              ...(gating.enabled ? gateSignals((onReal ?? realOf(ctx)).logit, [onReconLogit, onPrior]) : {}),
              ...fool.diagnostics,
            },
          };
        },
      },
      adversary.phase({
        name: "discriminator",
        // The mean over all fakes (equal numbers of each) weighs real : recon : prior as 1 : 0.5 : 0.5;
        // the term's weight of 0.5 makes it the reference's 0.5 : 0.25 : 0.25.
        weight: 0.5,
        enabled: gating.enabled ? (signals) => gate(signals).discriminator : undefined,
        logits: (ctx) => {
          const reconstruction = (ctx.shared.get("reconstruction") as tf.Tensor4D | undefined) ?? meanOf(decoder.decode(codeOf(ctx)));
          const priorSample = (ctx.shared.get("priorSample") as tf.Tensor4D | undefined) ?? meanOf(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise)));
          const real = discriminator.discriminate(ctx.x).logit;
          const onRecon = discriminator.discriminate(reconstruction).logit;
          const onPrior = discriminator.discriminate(priorSample).logit;
          return {
            real,
            fakes: [tf.concat([onRecon, onPrior], 0) as tf.Tensor2D],
            verdicts: { "D(x)": real, "D(reconstruction)": onRecon, "D(prior)": onPrior },
            diagnostics: gateSignals(real, [onRecon, onPrior]),
          };
        },
      }),
    ],
  });
  return adversary.attach(variant);
}

/** The gate's signals (gating.ts): the discriminator's BCE on real inputs, and its mean over all fakes. */
function gateSignals(real: tf.Tensor2D, fakes: tf.Tensor2D[]): Record<(typeof GATE_SIGNALS)[number], tf.Scalar> {
  const onFakes = tf.concat(fakes, 0);
  return {
    D_bce_real: tf.mean(bceWithLogits(real, tf.onesLike(real))) as tf.Scalar,
    D_bce_fake: tf.mean(bceWithLogits(onFakes, tf.zerosLike(onFakes))) as tf.Scalar,
  };
}
