import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { NonFiniteLossError, trainLoop } from "../../src/train/loop.js";
import type { Progress } from "../../src/train/progress.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

/**
 * A Progress that records tf.memory().numTensors after every training step, apart for logging steps
 * (whose running sums were just read and freed) and the steps between them.
 */
function tensorCounter(): Progress & { atLog: number[]; between: number[] } {
  const atLog: number[] = [];
  const between: number[] = [];
  return {
    atLog,
    between,
    epochStart() {},
    step(_, values) {
      (values ? atLog : between).push(tf.memory().numTensors);
    },
    epochEnd() {},
    message() {},
    close() {},
  };
}

describe("trainLoop", () => {
  it("lowers the test loss of a VAE and logs every term, test metric and image grid", async () => {
    const writer = new MemoryWriter();
    const result = await trainLoop({ config: tinyConfig({ train: { epochs: 3 } }), dataset: await tinyDataset(), writer });
    const last = result.epochs.at(-1)!;
    expect(result.steps).toBe(3 * 8);
    expect(last.test["autoencoder/loss"]).toBeLessThan(0.8 * result.initialTest["autoencoder/loss"]);
    expect(last.test["autoencoder/recon"]).toBeLessThan(result.initialTest["autoencoder/recon"]);
    const tags = new Set(writer.scalars.map((s) => s.tag));
    for (const tag of [
      "train/autoencoder/recon",
      "train/autoencoder/kl",
      "train/autoencoder/loss",
      "diagnostics/grad_norm/encoder",
      "test/autoencoder/recon",
      "test/autoencoder/kl",
      "test/autoencoder/loss",
      "test/mse",
      "test/bce",
      "test/l1",
      "test/latent/active_units",
      "test/latent/kl_dim_03",
    ]) {
      expect(tags).toContain(tag);
    }
    expect(writer.series("train/autoencoder/recon").map((s) => s.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    expect(writer.series("test/autoencoder/loss").map((s) => s.step)).toEqual([0, 8, 16, 24]);
    const grids = writer.loggedImages.map((i) => `${i.tag}@${i.step}`);
    expect(grids).toEqual(expect.arrayContaining(["images/reconstruction@0", "images/prior_samples@0", "images/reconstruction@24"]));
    // 8 inputs + 8 reconstructions in two rows of 8 tiles of 28 px.
    const grid = writer.loggedImages.find((i) => i.tag === "images/reconstruction")!;
    expect(grid.width).toBeGreaterThan(8 * 28);
    expect(grid.height).toBeGreaterThan(2 * 28);
    expect(grid.height).toBeLessThan(3 * 28);
  });

  it("an AE has no KL term and no prior samples", async () => {
    const writer = new MemoryWriter();
    await trainLoop({ config: tinyConfig({ model: { variant: "ae", recon: "mse" }, train: { epochs: 1 } }), dataset: await tinyDataset(), writer });
    const tags = new Set(writer.scalars.map((s) => s.tag));
    expect(tags).toContain("train/autoencoder/recon");
    expect(tags).not.toContain("train/autoencoder/kl");
    expect(writer.loggedImages.some((i) => i.tag === "images/prior_samples")).toBe(false);
  });

  it("keeps tf.memory().numTensors flat across steps and returns to the baseline", async () => {
    const dataset = await tinyDataset();
    const before = tf.memory().numTensors;
    const progress = tensorCounter();
    await trainLoop({ config: tinyConfig({ train: { epochs: 2 } }), dataset, writer: new MemoryWriter(), progress });
    expect(progress.atLog.length + progress.between.length).toBe(16);
    // After the first step Adam has made its moment variables; from then on the count must not move.
    for (const counts of [progress.atLog, progress.between.slice(1)]) {
      expect(counts.length).toBeGreaterThan(5);
      expect(Math.max(...counts) - Math.min(...counts)).toBe(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives bit-identical losses for the same seed, and different ones for another seed", async () => {
    const dataset = await tinyDataset();
    const run = async (seed: number) => {
      const writer = new MemoryWriter();
      await trainLoop({ config: tinyConfig({ seed, model: { variant: "vae", recon: "mse" } }), dataset, writer });
      return writer.scalars.filter((s) => !s.tag.startsWith("perf/")).map((s) => `${s.tag}@${s.step}=${s.value}`);
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it("stops on a NaN loss with the term and step named", async () => {
    const dataset = await tinyDataset();
    const poisoned = { ...dataset, train: { ...dataset.train, images: dataset.train.images.map((v, i) => (i === 5 ? Number.NaN : v)) } };
    const writer = new MemoryWriter();
    const run = trainLoop({ config: tinyConfig({ train: { epochs: 1 } }), dataset: poisoned, writer });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    const message = await run.catch((error: Error) => error.message);
    const match = /^training stopped: train\/autoencoder\/recon is NaN by step (\d+) \(epoch 1\); check the data, or lower train.lr$/.exec(message as string);
    expect(match).not.toBeNull();
    // What was logged before the failure is kept, and all of it is finite.
    expect(writer.series("test/autoencoder/loss").map((s) => s.step)).toEqual([0]);
    const logged = writer.series("train/autoencoder/recon");
    expect(logged.every((s) => Number.isFinite(s.value) && s.step < Number(match![1]))).toBe(true);
  });

  it("stops cleanly between steps when asked (Ctrl-C)", async () => {
    let steps = 0;
    const writer = new MemoryWriter();
    const result = await trainLoop({
      config: tinyConfig({ train: { epochs: 3 } }),
      dataset: await tinyDataset(),
      writer,
      shouldStop: () => ++steps >= 5,
    });
    expect(result.stopped).toBe(true);
    expect(result.steps).toBe(5);
    expect(result.epochs).toHaveLength(1);
    expect(writer.loggedImages.some((i) => i.step === 5)).toBe(true);
  });
});
