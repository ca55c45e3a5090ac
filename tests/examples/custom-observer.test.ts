import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decoderWeightNorm, run } from "../../examples/custom-observer.js";
import { selectBackend } from "../../src/backend/index.js";
import { type MemoryWriter, train } from "../../src/index.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

/** The tiny VAE of the training tests (8 steps an epoch), as the config object a library user writes. */
const tiny = {
  seed: 3,
  data: { source: "mnist", trainLimit: 512, testLimit: 128, validation: 0.1 },
  model: { variant: "vae", recon: "bce", encoder: { type: "mlp", hidden: [64] }, decoder: { type: "mlp", hidden: [64] }, latent: { size: 4 } },
  train: { epochs: 4, batchSize: 64, lr: 3e-3 },
  log: { every: 2, images: 8, imagesEvery: 10 },
};

function points(writer: MemoryWriter, keep: (tag: string) => boolean): string[] {
  return writer.scalars.filter((s) => keep(s.tag)).map((s) => `${s.tag}@${s.step}=${s.value}`);
}

const trained = (tag: string) => !tag.startsWith("perf/") && !tag.startsWith("extra/");

describe("examples/custom-observer.ts", () => {
  it("logs the decoder's weight norm beside the training losses, and changes nothing else", async () => {
    const reference = await train(tiny, { backend: "wasm" });
    const before = tf.memory().numTensors;
    const observed = await train(tiny, { backend: "wasm", observers: [decoderWeightNorm()] });
    expect(tf.memory().numTensors).toBe(before);
    const writer = observed.writer as MemoryWriter;
    const norms = writer.series("extra/decoder_weight_norm");
    expect(norms.map((s) => s.step)).toEqual(writer.series("train/autoencoder/loss").map((s) => s.step));
    expect(norms.every((s) => Number.isFinite(s.value) && s.value > 0)).toBe(true);
    expect(norms.at(-1)!.value).not.toBe(norms[0].value);
    expect(points(writer, trained)).toEqual(points(reference.writer as MemoryWriter, trained));
  });

  it("stops after the first epoch below the target, which is then the run's last in every respect", async () => {
    const reference = await train(tiny, { backend: "wasm" });
    const losses = reference.result.epochs.map((e) => e.validation!["autoencoder/loss"]);
    expect(losses[1]).toBeLessThan(losses[0]);
    const { result, writer } = await run({ config: tiny, target: (losses[0] + losses[1]) / 2, backend: "wasm" });
    expect(result.stopped).toBe(false);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const withoutTimes = (epochs: typeof result.epochs) => epochs.map(({ trainSeconds: _s, imagesPerSecond: _i, ...rest }) => rest);
    expect(withoutTimes(result.epochs)).toEqual(withoutTimes(reference.result.epochs.slice(0, 2)));
    // Image grids come every 10 epochs and after the last: here the second.
    expect((writer as MemoryWriter).loggedImages.filter((i) => i.tag === "images/reconstruction").map((i) => i.step)).toEqual([0, 16]);
  });
});
