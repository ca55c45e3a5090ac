import * as tf from "@tensorflow/tfjs";
import type { AdversarialSpec, ModelSpec } from "../config/schema.js";
import { featureReconstruction } from "../losses/feature.js";
import { gaussianKl } from "../losses/kl.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { bceWithLogits } from "../losses/reconstruction.js";
import { buildDiscriminator } from "../nn/build.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
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
 * non-saturating form: it descends -log D(fake), which raises the discriminator's loss on fakes.
 * Later phases reuse the codes, reconstructions and real features of earlier ones as constants, so all
 * three gradients are taken at the same weights, as in the reference code.
 */
export function buildVaeganVariant(model: ModelSpec, adversarial: AdversarialSpec, shape: ImageShape, rng: Rng): Variant {
  const { encoder, decoder } = buildAutoencoder(model, shape, true, rng);
  const discriminator = buildDiscriminator(model, shape, rng);
  const prior = standardNormal(model.latent.size);
  const gan = adversarial.loss;
  const { gating } = adversarial;
  const gate = (signals: ReadonlyMap<string, number>) => larsenGate(signals, gating.equilibrium, gating.margin);

  const sampleCode = (x: tf.Tensor4D, noise: StepContext["noise"]): tf.Tensor2D => {
    const { embedding, logVariance } = encoder.encode(x);
    return reparameterize(embedding, logVariance!, noise);
  };
  const codeOf = ({ x, noise, shared }: StepContext) => (shared.get("z") as tf.Tensor2D | undefined) ?? sampleCode(x, noise);

  return assembleVariant({
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
          const realFeatures = discriminator.discriminate(x).features;
          const reconFeatures = discriminator.discriminate(tf.sigmoid(decoder.decode(z)) as tf.Tensor4D).features;
          return {
            terms: [
              { name: "kl", weight: model.beta, value: gaussianKl(mean, logVariance!) },
              { name: "feature_recon", weight: 1, value: featureReconstruction(realFeatures, reconFeatures) },
            ],
            share: { z, realFeatures },
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
          const realFeatures = (ctx.shared.get("realFeatures") as tf.Tensor2D | undefined) ?? discriminator.discriminate(ctx.x).features;
          const reconstruction = tf.sigmoid(decoder.decode(z)) as tf.Tensor4D;
          const priorSample = tf.sigmoid(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise))) as tf.Tensor4D;
          const onRecon = discriminator.discriminate(reconstruction);
          const onPrior = discriminator.discriminate(priorSample).logit;
          return {
            terms: [
              { name: "feature_recon", weight: adversarial.gamma, value: featureReconstruction(realFeatures, onRecon.features) },
              { name: "gan", weight: 1, value: tf.add(generatorLoss(gan, onRecon.logit), generatorLoss(gan, onPrior)) as tf.Scalar },
            ],
            share: { reconstruction, priorSample },
          };
        },
      },
      {
        name: "discriminator",
        trains: ["discriminator"],
        enabled: gating.enabled ? (signals) => gate(signals).discriminator : undefined,
        run: (ctx) => {
          const reconstruction = (ctx.shared.get("reconstruction") as tf.Tensor4D | undefined) ?? (tf.sigmoid(decoder.decode(codeOf(ctx))) as tf.Tensor4D);
          const priorSample =
            (ctx.shared.get("priorSample") as tf.Tensor4D | undefined) ?? (tf.sigmoid(decoder.decode(prior.sample(ctx.x.shape[0], ctx.noise))) as tf.Tensor4D);
          const real = discriminator.discriminate(ctx.x).logit;
          const onRecon = discriminator.discriminate(reconstruction).logit;
          const onPrior = discriminator.discriminate(priorSample).logit;
          return {
            terms: [{ name: "gan", weight: 1, value: discriminatorLoss(gan, real, [onRecon, onPrior], adversarial.labelSmoothing) }],
            diagnostics: {
              "D(x)": meanVerdict(gan, real),
              "D(reconstruction)": meanVerdict(gan, onRecon),
              "D(prior)": meanVerdict(gan, onPrior),
              D_bce_real: tf.mean(bceWithLogits(real, tf.onesLike(real))) as tf.Scalar,
              D_bce_prior: tf.mean(bceWithLogits(onPrior, tf.zerosLike(onPrior))) as tf.Scalar,
            },
          };
        },
      },
    ],
  });
}
