import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { HUBER_DELTA, huberPerExample, registerHuber, run } from "../../examples/custom-likelihood.js";
import { selectBackend } from "../../src/backend/index.js";
import { registerLikelihood, validateConfig, type MemoryWriter } from "../../src/index.js";
import { isProperDensity } from "../../src/losses/likelihoods/index.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const tiny = (variant: string, epochs: number) => ({
  seed: 3,
  data: { source: "mnist", trainLimit: 512, testLimit: 128 },
  model: {
    variant,
    recon: "huber",
    encoder: { type: "mlp", hidden: [64] },
    decoder: { type: "mlp", hidden: [64] },
    latent: { size: 4 },
    discriminator: { type: "mlp", hidden: [64, 32] },
  },
  train: { epochs, batchSize: 64, lr: 3e-3 },
  log: { every: 2, images: 8 },
});

describe("examples/custom-likelihood.ts", () => {
  it("is the squared error up to HUBER_DELTA and linear beyond, summed over pixels", () => {
    expect(HUBER_DELTA).toBe(0.2);
    // sigmoid(0) = 0.5 against 0.5, 0.6 and 0.9: errors 0, 0.1 and 0.4.
    const nll = huberPerExample(tf.zeros([1, 1, 3, 1]), tf.tensor4d([0.5, 0.6, 0.9], [1, 1, 3, 1]));
    expect(nll.shape).toEqual([1]);
    expect(nll.dataSync()[0]).toBeCloseTo(0.01 + (0.04 + 2 * 0.2 * 0.2), 6);
    nll.dispose();
  });

  it("makes model.recon: huber a valid config once registered, and refuses names that are taken", () => {
    expect(() => validateConfig(tiny("vae", 1), "tiny")).toThrow(
      /^config error in tiny: model\.recon must be one of "mse", "bce", "l1", "cbernoulli", "gaussian", "laplace", "feature" \(got "huber"\)$/,
    );
    registerHuber();
    registerHuber();
    expect(validateConfig(tiny("vae", 1), "tiny").model.recon).toBe("huber");
    expect(() => validateConfig({ model: { recon: "hubber" } }, "typo")).toThrow(/"feature", "huber" \(got "hubber"\)$/);
    expect(() => registerLikelihood("huber", { nllPerExample: huberPerExample })).toThrow("registered already");
    expect(() => registerLikelihood("bce", { nllPerExample: huberPerExample })).toThrow("built-in");
    expect(() => registerLikelihood("Huber Loss", { nllPerExample: huberPerExample })).toThrow("not a likelihood name");
    expect(isProperDensity("huber", true)).toBe(false);
  });

  it("trains a VAE on it: the test reconstruction term falls, no tensor leaks, and no log p(x) is claimed", async () => {
    const before = tf.memory().numTensors;
    const { result, writer } = await run({ config: tiny("vae", 2), backend: "wasm" });
    expect(tf.memory().numTensors).toBe(before);
    const recon = result.epochs.map((e) => e.test["autoencoder/recon"]);
    expect(recon[1]).toBeLessThan(result.initialTest["autoencoder/recon"]);
    // Not a density: no log p(x) estimate.
    expect((writer as MemoryWriter).series("test/nll")).toEqual([]);
  });

  it("serves a GAN variant too, as every variant takes its reconstruction from the likelihood", async () => {
    const { result } = await run({ config: tiny("vae+gan", 1), backend: "wasm" });
    expect(Object.keys(result.epochs[0].test)).toContain("autoencoder/recon");
    expect(Number.isFinite(result.epochs[0].test["autoencoder/recon"])).toBe(true);
  });
});
