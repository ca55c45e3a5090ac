import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../config/errors.js";
import type { AdversarialSpec, ModelSpec, NetworkName } from "../config/schema.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../losses/gan.js";
import { isProperDensity } from "../losses/likelihoods/index.js";
import { buildDiscriminator, buildLatentDiscriminator } from "../nn/build.js";
import type { Decoder, Discriminator, Encoder, ImageShape, LatentDiscriminator } from "../nn/modules.js";
import { advanceSpectralNorm, hasSpectralNorm } from "../nn/spectral-norm.js";
import type { Rng } from "../random/rng.js";
import { balanceDiagnostics } from "./adversarial-diagnostics.js";
import { adversarialWeight, checkBalance, lastLayerKernel } from "./adversarial-weight.js";
import { buildAutoencoder } from "./base.js";
import type { LossTerm, Phase, StepContext, Variant } from "./variant.js";

/**
 * The adversarial term the pixel GAN, VAE-GAN and AAE share, built once from `adversarial` (as the
 * CompVis autoencoder loss owns its discriminator, adaptive weight and warm-up in one module): the
 * discriminator (pixel or latent; nn/build.ts honours its spectral norm), the generator's term with its
 * weight lambda (fixed, adaptive or ratio: adversarial-weight.ts), the warm-up (`adversarial.start`), the
 * GAN loss and its label smoothing, and the discriminator's phase, which alone advances a spectral
 * norm's power iteration, in training only. The discriminator's phase also logs its balance
 * (adversarial-diagnostics.ts: mean logit on real inputs and on fakes, accuracy), which the loop's
 * adversarial-balance observer watches.
 */
export interface AdversarialTerm<D extends Discriminator | LatentDiscriminator> {
  readonly discriminator: D;
  /** The step the adversarial phases start at (adversarial.start); undefined without a warm-up. */
  readonly start?: number;
  /** A training step before adversarial.start: no adversarial term and no discriminator pass. */
  warmingUp(ctx: StepContext): boolean;
  /**
   * The generator's term "gan": lambda times the loss of making the discriminator call each kind of fake
   * real (summed over kinds). `recon` is the unweighted reconstruction term the same variables descend,
   * what an adaptive or ratio lambda is balanced against; asked for only then. lambda is logged as
   * diagnostics/adversarial_weight where it varies.
   */
  fool(ctx: StepContext, fakes: readonly tf.Tensor2D[], recon: () => tf.Scalar): { term: LossTerm; diagnostics: Record<string, tf.Scalar> };
  /** The discriminator's phase: it descends its GAN loss on the logits `logits` gives, from `start` on. */
  phase(options: DiscriminatorPhase): Phase;
  /** The variant carrying the weight's state (checkpoints save it by name), disposing it with the networks. */
  attach(variant: Variant): Variant;
}

/**
 * What a variant's discriminator phase computes; the term adds the loss, the verdicts, the balance
 * diagnostics (D_logit_real, D_logit_fake, D_accuracy) and the power iteration.
 */
export interface DiscriminatorPhase {
  name: string;
  /** The GAN loss's weight in the phase (vaegan's 0.5, Larsen's real : fake weighting). */
  weight?: number;
  enabled?: Phase["enabled"];
  /**
   * The discriminator's logits this step: on real inputs, on the fakes (each a kind the loss sums over),
   * and the ones whose mean verdict is logged under their diagnostic name ("D(x)"), with any further
   * diagnostics.
   */
  logits(ctx: StepContext): { real: tf.Tensor2D; fakes: tf.Tensor2D[]; verdicts: Record<string, tf.Tensor2D>; diagnostics?: Record<string, tf.Scalar> };
}

/**
 * Refuses options the losses cannot support, before any network is built: a ratio of running means needs
 * a generator loss and a reconstruction term that stay positive, and a hinge has no target to smooth.
 * (Options a variant has no machinery for are refused by the config schema, with the key's path.)
 */
export function checkAdversarial(spec: AdversarialSpec, recon: ModelSpec["recon"]): void {
  checkBalance(spec);
  if (spec.balance.mode === "ratio" && isDensity(recon)) {
    // A density on [0, 1] exceeds 1 where it fits well, so its NLL goes below 0 and lambda would clamp to 0.
    throw new ConfigError(
      `adversarial.weight { ratio } needs a reconstruction term that stays positive (feature, bce, mse or l1), not recon ${recon}, whose negative log-density goes below 0; use adaptive`,
    );
  }
  if (spec.loss === "hinge" && spec.labelSmoothing !== 0) {
    throw new ConfigError(`adversarial.labelSmoothing does not apply to the hinge loss (got ${spec.labelSmoothing})`);
  }
}

/** The encoder, the decoder and a pixel-space adversary (ae+gan, vae+gan, vaegan), built in that order so initial weights never depend on the rest. */
export function buildWithPixelAdversary(
  model: ModelSpec,
  adversarial: AdversarialSpec,
  shape: ImageShape,
  gaussian: boolean,
  rng: Rng,
): { encoder: Encoder; decoder: Decoder; adversary: AdversarialTerm<Discriminator> } {
  checkAdversarial(adversarial, model.recon);
  const { encoder, decoder } = buildAutoencoder(model, shape, gaussian, rng);
  const discriminator = buildDiscriminator(model, shape, rng);
  return { encoder, decoder, adversary: adversarialTerm(adversarial, discriminator, "discriminator", decoder) };
}

/** The encoder, the decoder and a code-space adversary (aae), built in that order. */
export function buildWithLatentAdversary(
  model: ModelSpec,
  adversarial: AdversarialSpec,
  shape: ImageShape,
  rng: Rng,
): { encoder: Encoder; decoder: Decoder; adversary: AdversarialTerm<LatentDiscriminator> } {
  checkAdversarial(adversarial, model.recon);
  const { encoder, decoder } = buildAutoencoder(model, shape, false, rng);
  const discriminator = buildLatentDiscriminator(model, rng);
  return { encoder, decoder, adversary: adversarialTerm(adversarial, discriminator, "latentDiscriminator", decoder) };
}

/** Whether recon is a density on [0, 1] whatever the targets (bce on binary targets has a positive NLL all the same). */
const isDensity = (recon: ModelSpec["recon"]) => isProperDensity(recon, false);

function adversarialTerm<D extends Discriminator | LatentDiscriminator>(
  spec: AdversarialSpec,
  discriminator: D,
  network: NetworkName,
  decoder: Decoder,
): AdversarialTerm<D> {
  const gan = spec.loss;
  const spectral = hasSpectralNorm(discriminator.model);
  const lambda = adversarialWeight(spec, lastLayerKernel(decoder.model));
  const start = spec.start > 0 ? spec.start : undefined;
  return {
    discriminator,
    start,
    warmingUp: (ctx) => ctx.training && ctx.step !== undefined && ctx.step < spec.start,
    fool(ctx, fakes, recon) {
      const value = fakes.map((fake) => generatorLoss(gan, fake)).reduce((sum, loss) => tf.add(sum, loss) as tf.Scalar);
      const weight = lambda.varies ? lambda.lambda(ctx, recon(), value) : spec.weight;
      const diagnostics: Record<string, tf.Scalar> = lambda.varies ? { adversarial_weight: weight as tf.Scalar } : {};
      return { term: { name: "gan", weight, value }, diagnostics };
    },
    phase: (options) => ({
      name: options.name,
      trains: [network],
      start,
      enabled: options.enabled,
      run: (ctx) => {
        // One power iteration per discriminator update (Miyato et al.): evaluation must not move it.
        if (spectral && ctx.training) advanceSpectralNorm(discriminator.model);
        const { real, fakes, verdicts, diagnostics } = options.logits(ctx);
        const verdictScalars = Object.fromEntries(Object.entries(verdicts).map(([name, logits]) => [name, meanVerdict(gan, logits)]));
        return {
          terms: [{ name: "gan", weight: options.weight ?? 1, value: discriminatorLoss(gan, real, fakes, spec.labelSmoothing) }],
          // After the variant's own, so the tags logged before keep their order in the events file.
          diagnostics: { ...verdictScalars, ...diagnostics, ...balanceDiagnostics(gan, real, fakes) },
        };
      },
    }),
    attach: (variant) => ({
      ...variant,
      state: lambda.state,
      dispose() {
        variant.dispose();
        lambda.dispose();
      },
    }),
  };
}
