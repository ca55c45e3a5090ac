import { runConfigSchema, type RunConfig } from "../../src/config/schema.js";
import { loadDataset, type Dataset } from "../../src/data/index.js";

/** A config small enough to train in seconds on two cores, with the shipped configs' structure. */
export function tinyConfig(
  overrides: {
    model?: Partial<RunConfig["model"]>;
    train?: Partial<RunConfig["train"]>;
    adversarial?: Partial<RunConfig["adversarial"]>;
    log?: Partial<RunConfig["log"]>;
    seed?: number;
  } = {},
): RunConfig {
  return runConfigSchema.parse({
    seed: overrides.seed ?? 3,
    data: { source: "mnist", trainLimit: 512, testLimit: 128 },
    model: {
      variant: "vae",
      recon: "bce",
      encoder: { type: "mlp", hidden: [64] },
      decoder: { type: "mlp", hidden: [64] },
      latent: { size: 4 },
      discriminator: { type: "mlp", hidden: [64, 32] },
      latentDiscriminator: { type: "mlp", hidden: [32] },
      ...overrides.model,
    },
    adversarial: overrides.adversarial ?? {},
    train: { epochs: 2, batchSize: 64, lr: 3e-3, ...overrides.train },
    log: { every: 2, images: 8, flushSeconds: 60, ...overrides.log },
  });
}

let cached: Promise<Dataset> | undefined;

/** The embedded digits, cut to the tiny config's limits (loaded once per test file). */
export function tinyDataset(): Promise<Dataset> {
  cached ??= loadDataset("mnist", { seed: 3, trainLimit: 512, testLimit: 128 });
  return cached;
}
