import * as tf from "@tensorflow/tfjs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { nllAvailability } from "../../src/train/nll-availability.js";
import { runConfigSchema } from "../../src/config/schema.js";
import { buildLikelihood, cbMeanFromLogits } from "../../src/losses/likelihoods/index.js";
import { buildVariant } from "../../src/models/index.js";
import { LOG_SCALE_LAYER, learnedLogScaleOf } from "../../src/nn/decoder-scale.js";
import { buildMlpDecoder } from "../../src/nn/mlp-decoder.js";
import { Rng, streamFor } from "../../src/random/rng.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/checkpoint/index.js";
import { evaluate } from "../../src/train/evaluate.js";
import { trainLoop } from "../../src/train/loop.js";
import { seededNoise } from "../../src/train/noise.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

const shape = { height: 4, width: 4, channels: 1 };

beforeAll(async () => {
  await selectBackend("wasm");
});

function scaleOf(model: tf.LayersModel): number {
  return tf.tidy(() => Math.exp(learnedLogScaleOf(model)!().dataSync()[0]));
}

describe("a learned scale is a weight of the decoder", () => {
  it("is trainable and converges to the RMSE of a fixed reconstruction", () => {
    const decoder = buildMlpDecoder({ type: "mlp", hidden: [8], activation: "relu" }, shape, 2, new Rng("scale"), true);
    const weight = decoder.model.getLayer(LOG_SCALE_LAYER).trainableWeights[0];
    expect(decoder.model.trainableWeights).toContain(weight);
    expect(scaleOf(decoder.model)).toBeCloseTo(1, 6);
    const likelihood = buildLikelihood({ recon: "gaussian", scale: "learned" }, learnedLogScaleOf(decoder.model));
    // A fixed reconstruction: targets and means 0.05-0.25 apart.
    const target = tf.tensor2d([Array.from({ length: 16 }, (_, i) => (i % 5) / 5)]);
    const means = tf.tensor2d([Array.from({ length: 16 }, (_, i) => 0.1 + (0.6 * (i % 5)) / 5 + 0.05 * (i % 3))]);
    const logits = tf.sub(tf.log(means), tf.log1p(tf.neg(means)));
    const rmse = Math.sqrt(tf.mean(tf.squaredDifference(target, means)).dataSync()[0]);
    const optimizer = tf.train.adam(0.003);
    for (let i = 0; i < 600; i++) {
      tf.tidy(() => {
        optimizer.minimize(() => likelihood.loss(logits, target), false, [weight.read() as tf.Variable]);
      });
    }
    // σ as the likelihood uses and logs it (after the soft floor at log σ = −6).
    const sigma = tf.tidy(() => likelihood.diagnostics(logits, target)["likelihood/sigma"].dataSync()[0]);
    expect(Math.abs(sigma / rmse - 1)).toBeLessThan(0.01);
    optimizer.dispose();
    tf.dispose([target, means, logits]);
    decoder.model.dispose();
  });

  it("is saved and restored by the checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-scale-"));
    const build = () => buildMlpDecoder({ type: "mlp", hidden: [8], activation: "relu" }, shape, 2, new Rng("scale"), true);
    const saved = build();
    const weight = saved.model.getLayer(LOG_SCALE_LAYER).trainableWeights[0];
    weight.write(tf.tensor1d([-0.123]));
    await saveCheckpoint(dir, { models: { decoder: saved.model }, optimizers: {}, state: { epoch: 1, step: 1, extra: {} } });
    const restored = build();
    expect(scaleOf(restored.model)).toBeCloseTo(1, 6);
    await loadCheckpoint(dir, { models: { decoder: restored.model }, optimizers: {} });
    expect(scaleOf(restored.model)).toBeCloseTo(Math.exp(-1.23), 5);
    saved.model.dispose();
    restored.model.dispose();
  });

  it("leaves the decoder's output as it was", () => {
    const plain = buildMlpDecoder({ type: "mlp", hidden: [8], activation: "relu" }, shape, 2, new Rng("same"));
    const scaled = buildMlpDecoder({ type: "mlp", hidden: [8], activation: "relu" }, shape, 2, new Rng("same"), true);
    const z = tf.tensor2d([[0.3, -1]]);
    expect(scaled.decode(z).arraySync()).toEqual(plain.decode(z).arraySync());
    plain.model.dispose();
    scaled.model.dispose();
  });
});

describe("configs", () => {
  const parse = (model: Record<string, unknown>) => runConfigSchema.safeParse({ model });
  it("gaussian and laplace need a scale, and only they take one", () => {
    expect(parse({ recon: "gaussian" }).success).toBe(false);
    expect(parse({ recon: "gaussian", scale: "learned" }).success).toBe(true);
    expect(parse({ recon: "laplace", scale: 0.1 }).success).toBe(true);
    expect(parse({ recon: "gaussian", scale: "optimal" }).success).toBe(true);
    expect(parse({ recon: "gaussian", scale: -1 }).success).toBe(false);
    expect(parse({ recon: "bce", scale: 0.1 }).success).toBe(false);
  });
  it("every variant takes every likelihood; the feature loss is vaegan's alone", () => {
    for (const variant of ["ae", "vae", "ae+gan", "vae+gan", "aae", "vaegan"]) {
      expect(parse({ recon: "cbernoulli", variant }).success, variant).toBe(true);
      expect(parse({ recon: "gaussian", scale: "learned", variant }).success, variant).toBe(true);
      expect(parse({ recon: "feature", variant }).success, variant).toBe(variant === "vaegan");
    }
  });
  it("log p(x) is offered for VAEs with a proper density", () => {
    expect(nllAvailability("vae", "cbernoulli", false).available).toBe(true);
    expect(nllAvailability("vae", "bce", true).available).toBe(true);
    expect(nllAvailability("vae", "bce", false).reason).toMatch(/not a normalised density/);
    expect(nllAvailability("ae", "gaussian", false).reason).toMatch(/needs a VAE/);
    // A GAN on top leaves a VAE's q(z | x), prior and likelihood, so the bound holds as it does for vae.
    expect(nllAvailability("vae+gan", "cbernoulli", false).available).toBe(true);
    expect(nllAvailability("vaegan", "gaussian", false).available).toBe(true);
    expect(nllAvailability("vaegan", "feature", false).reason).toMatch(/not a normalised density/);
    expect(nllAvailability("aae", "cbernoulli", false).reason).toMatch(/needs a VAE/);
  });
});

describe("training with the new likelihoods", () => {
  it("a σ-VAE trains its σ with the decoder and logs it", async () => {
    const writer = new MemoryWriter();
    const config = tinyConfig({ model: { recon: "gaussian", scale: "learned" }, train: { epochs: 1 } });
    const result = await trainLoop({ config, dataset: await tinyDataset(), writer });
    const sigma = writer.series("diagnostics/likelihood/sigma");
    expect(sigma.length).toBeGreaterThan(1);
    expect(sigma.at(-1)!.value).toBeLessThan(sigma[0].value);
    expect(writer.series("test/diagnostics/likelihood/sigma").length).toBe(2);
    expect(Number.isFinite(result.epochs[0].test["autoencoder/recon"])).toBe(true);
  });

  it("logs test/nll and test/bpd once, with the last epoch's evaluation, for a VAE with a density only", async () => {
    const dataset = await tinyDataset();
    const writer = new MemoryWriter();
    const config = tinyConfig({ model: { recon: "gaussian", scale: "optimal" }, train: { epochs: 2 }, log: { nllSamples: 4 } });
    const result = await trainLoop({ config, dataset, writer });
    const nll = writer.series("test/nll");
    const bpd = writer.series("test/bpd");
    expect(nll.map((p) => p.step)).toEqual([result.steps]);
    expect(bpd[0].value).toBeCloseTo(nll[0].value / (28 * 28 * Math.LN2), 4);
    expect(result.epochs[1].test.nll).toBe(nll[0].value);
    // The IWAE bound lies below the negative ELBO, and the estimate leaves the other test scalars alone.
    expect(nll[0].value).toBeLessThan(result.epochs[1].test["autoencoder/loss"]);
    const without = new MemoryWriter();
    await trainLoop({ config: { ...config, log: { ...config.log, nllSamples: 0 } }, dataset, writer: without });
    expect(without.series("test/nll")).toEqual([]);
    expect(without.series("test/mse")).toEqual(writer.series("test/mse"));
    // bce on greyscale targets is no density: nothing to log.
    const bce = new MemoryWriter();
    await trainLoop({ config: tinyConfig({ model: { recon: "bce" }, train: { epochs: 1 }, log: { nllSamples: 4 } }), dataset, writer: bce });
    expect(bce.series("test/nll")).toEqual([]);
  });

  it("a σ-VAE stopped mid-epoch and resumed learns the same σ, bit for bit (the checkpoint carries σ and its Adam moments)", async () => {
    const config = tinyConfig({ model: { recon: "gaussian", scale: "learned" }, train: { epochs: 2 } });
    const dataset = await tinyDataset();
    const sigmas = (w: MemoryWriter) => w.scalars.filter((p) => p.tag.endsWith("likelihood/sigma")).map((p) => `${p.tag}@${p.step}=${p.value}`);
    const reference = new MemoryWriter();
    await trainLoop({ config, dataset, writer: reference, checkpointDir: mkdtempSync(join(tmpdir(), "aelab-sigma-")) });
    const dir = mkdtempSync(join(tmpdir(), "aelab-sigma-"));
    let steps = 0;
    const before = new MemoryWriter();
    await trainLoop({ config, dataset, writer: before, checkpointDir: dir, shouldStop: () => ++steps >= 6 });
    const after = new MemoryWriter();
    await trainLoop({ config, dataset, writer: after, checkpointDir: dir, resume: true });
    const resumed = [...sigmas(before).filter((p) => !p.includes("test/") || !p.includes("@6=")), ...sigmas(after)].sort();
    expect(sigmas(reference).length).toBeGreaterThan(8);
    expect(resumed).toEqual(sigmas(reference).sort());
  });

  it("a continuous-Bernoulli VAE shows its mean, and λ in a grid of its own", async () => {
    const writer = new MemoryWriter();
    const config = tinyConfig({ model: { recon: "cbernoulli" }, train: { epochs: 1 } });
    await trainLoop({ config, dataset: await tinyDataset(), writer });
    const tags = new Set(writer.loggedImages.map((i) => i.tag));
    expect(tags).toContain("images/reconstruction");
    expect(tags).toContain("images/reconstruction_lambda");

    const variant = buildVariant(config, { height: 28, width: 28, channels: 1 }, streamFor(config.seed, "weights"));
    const z = tf.randomNormal([3, config.model.latent.size], 0, 1, "float32", 5) as tf.Tensor2D;
    const logits = variant.decodeLogits(z);
    const generated = variant.generate(z);
    expect(tf.max(tf.abs(tf.sub(generated, cbMeanFromLogits(logits)))).dataSync()[0]).toBeLessThan(1e-5);
    variant.dispose();
    tf.dispose([z, logits, generated]);
  });

  it("evaluate estimates -log p(x) below the negative ELBO, in nats and bits per dimension", async () => {
    const config = tinyConfig({ model: { recon: "cbernoulli" }, train: { epochs: 1 } });
    const dataset = await tinyDataset();
    const variant = buildVariant(config, { height: 28, width: 28, channels: 1 }, streamFor(config.seed, "weights"));
    const test = { count: 32, images: dataset.test.images.subarray(0, 32 * 784), labels: dataset.test.labels.subarray(0, 32) };
    const evaluation = await evaluate(variant, test, 32, { height: 28, width: 28, channels: 1 }, seededNoise(streamFor(1, "eval")), {
      iwaeSamples: 20,
      iwaeNoise: seededNoise(streamFor(1, "iwae")),
    });
    const { nll, bpd } = evaluation.scalars;
    expect(bpd).toBeCloseTo(nll / (784 * Math.LN2), 4);
    expect(nll).toBeLessThan(evaluation.scalars["autoencoder/loss"]);
    // Asking for nll leaves the other numbers as they were.
    const without = await evaluate(variant, test, 32, { height: 28, width: 28, channels: 1 }, seededNoise(streamFor(1, "eval")));
    expect(without.scalars["autoencoder/loss"]).toBe(evaluation.scalars["autoencoder/loss"]);
    expect(without.scalars.nll).toBeUndefined();
    variant.dispose();
  });
});
