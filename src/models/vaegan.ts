import * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { featureReconstruction } from "../losses/feature.js";
import { gaussianKl } from "../losses/kl.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { bceWithLogits } from "../losses/reconstruction.js";
import { buildDiscriminator } from "../nn/build.js";
import type { DiscriminatorOutput, ImageShape } from "../nn/modules.js";
import { buildSpectralMlpDiscriminator } from "../nn/spectral-mlp-discriminator.js";
import { advanceSpectralNorm, hasSpectralNorm } from "../nn/spectral-norm.js";
import type { Rng } from "../random/rng.js";
import { adversarialWeight, checkBalance, lastLayerKernel, withWeightState } from "./adversarial-weight.js";
import { assembleVariant, buildAutoencoder, reparameterize } from "./base.js";
import { GATE_SIGNALS, larsenGate } from "./gating.js";
import { standardNormal } from "./prior.js";
import type { StepContext, Variant } from "./variant.js";

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
 */
export function buildVaeganVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, rng: Rng): Variant {
  checkBalance(adversarial);
  const { encoder, decoder } = buildAutoencoder(model, shape, true, rng);
  const spec = model.discriminator;
  // build.ts builds the plain MLP discriminator; its spectrally normalised twin is built here.
  const discriminator = spec.type === "mlp" && spec.spectralNorm ? buildSpectralMlpDiscriminator(spec, shape, rng) : buildDiscriminator(model, shape, rng);
  const spectral = hasSpectralNorm(discriminator.model);
  const lambda = adversarialWeight(adversarial, lastLayerKernel(decoder.model));
  const { start } = adversarial;
  const prior = standardNormal(model.latent.size);
  const gan = adversarial.loss;
  const { gating } = adversarial;
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
    extra: { discriminator: discriminator.model },
    prior,
    gateSignals: gating.enabled ? [...GATE_SIGNALS] : undefined,
    phases: [
      {
        name: "encoder",
        trains: ["encoder"],
        every: adversarial.discriminatorSteps,
        run: ({ x, noise }) => {
          const { embedding: mean, logVariance } = encoder.encode(x);
          const z = reparameterize(mean, logVariance!, noise);
          const { features: realFeatures, logit: realLogit } = discriminator.discriminate(x);
          const reconFeatures = discriminator.discriminate(tf.sigmoid(decoder.decode(z)) as tf.Tensor4D).features;
          return {
            terms: [
              { name: "kl", weight: model.beta, value: gaussianKl(mean, logVariance!) },
              { name: "feature_recon", weight: 1, value: featureReconstruction(realFeatures, reconFeatures) },
            ],
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
          const z = codeOf(ctx);
          const onReal = realOf(ctx);
          const reconstruction = tf.sigmoid(decoder.decode(z)) as tf.Tensor4D;
          const onRecon = discriminator.discriminate(reconstruction);
          const feature = featureReconstruction(onReal.features, onRecon.features);
          const featureTerm = { name: "feature_recon", weight: adversarial.gamma, value: feature };
          // Warm-up: no GAN term and no prior sample; the discriminator phase does not run either.
          if (ctx.step !== undefined && ctx.step < start) return { terms: [featureTerm] };
          const priorSample = tf.sigmoid(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise))) as tf.Tensor4D;
          const onPrior = discriminator.discriminate(priorSample).logit;
          const fool = tf.add(generatorLoss(gan, onRecon.logit), generatorLoss(gan, onPrior)) as tf.Scalar;
          // Balanced against the reconstruction term as the decoder descends it: gamma * feature.
          const weight = lambda.varies ? lambda.lambda(ctx, tf.mul(feature, adversarial.gamma) as tf.Scalar, fool) : adversarial.weight;
          return {
            terms: [featureTerm, { name: "gan", weight, value: fool }],
            share: { reconstruction, priorSample },
            // The gate needs this step's signals before the decoder's update is applied; the discriminator
            // phase computes the same numbers (same inputs, same weights) when the decoder is off schedule.
            diagnostics: {
              ...(gating.enabled ? gateSignals(onReal.logit, [onRecon.logit, onPrior]) : {}),
              ...(lambda.varies ? { adversarial_weight: weight as tf.Scalar } : {}),
            },
          };
        },
      },
      {
        name: "discriminator",
        trains: ["discriminator"],
        start: start > 0 ? start : undefined,
        enabled: gating.enabled ? (signals) => gate(signals).discriminator : undefined,
        run: (ctx) => {
          // Training only (the loop's tape offers gradientNorm): evaluation must not move the discriminator.
          if (spectral && ctx.gradientNorm) advanceSpectralNorm(discriminator.model);
          const reconstruction = (ctx.shared.get("reconstruction") as tf.Tensor4D | undefined) ?? (tf.sigmoid(decoder.decode(codeOf(ctx))) as tf.Tensor4D);
          const priorSample =
            (ctx.shared.get("priorSample") as tf.Tensor4D | undefined) ?? (tf.sigmoid(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise))) as tf.Tensor4D);
          const real = discriminator.discriminate(ctx.x).logit;
          const onRecon = discriminator.discriminate(reconstruction).logit;
          const onPrior = discriminator.discriminate(priorSample).logit;
          // The mean over all fakes (equal numbers of each) weighs real : recon : prior as 1 : 0.5 : 0.5;
          // the term's weight of 0.5 makes it the reference's 0.5 : 0.25 : 0.25.
          const fakes = tf.concat([onRecon, onPrior], 0) as tf.Tensor2D;
          return {
            terms: [{ name: "gan", weight: 0.5, value: discriminatorLoss(gan, real, [fakes], adversarial.labelSmoothing) }],
            diagnostics: {
              "D(x)": meanVerdict(gan, real),
              "D(reconstruction)": meanVerdict(gan, onRecon),
              "D(prior)": meanVerdict(gan, onPrior),
              ...gateSignals(real, [onRecon, onPrior]),
            },
          };
        },
      },
    ],
  });
  return withWeightState(variant, lambda);
}

/** The gate's signals (gating.ts): the discriminator's BCE on real inputs, and its mean over all fakes. */
function gateSignals(real: tf.Tensor2D, fakes: tf.Tensor2D[]): Record<(typeof GATE_SIGNALS)[number], tf.Scalar> {
  const onFakes = tf.concat(fakes, 0);
  return {
    D_bce_real: tf.mean(bceWithLogits(real, tf.onesLike(real))) as tf.Scalar,
    D_bce_fake: tf.mean(bceWithLogits(onFakes, tf.zerosLike(onFakes))) as tf.Scalar,
  };
}
