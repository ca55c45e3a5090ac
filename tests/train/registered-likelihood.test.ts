import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { runConfigSchema } from "../../src/config/schema.js";
import { gaussianNll, registerLikelihood } from "../../src/losses/likelihoods/index.js";
import { sumPerExample } from "../../src/losses/reconstruction.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const SIGMA = 0.1;

describe("a likelihood registered by name", () => {
  it("trains through the loop exactly as the built-in it restates, diagnostics and test nll included", async () => {
    // The built-in gaussian with a fixed σ, op for op, from outside buildLikelihood.
    const logScale = () => tf.scalar(Math.log(SIGMA));
    registerLikelihood("fixed-gaussian", {
      nllPerExample: (logits, target) => sumPerExample(gaussianNll(logits, target, logScale())),
      diagnostics: () => ({ "likelihood/sigma": tf.exp(logScale()) as tf.Scalar }),
      properDensity: () => true,
    });
    const dataset = await tinyDataset();
    const run = async (model: Record<string, unknown>) => {
      const base = tinyConfig({ train: { epochs: 2 } });
      const writer = new MemoryWriter();
      await trainLoop({ config: runConfigSchema.parse({ ...base, model: { ...base.model, ...model } }), dataset, writer });
      return writer.scalars.filter((s) => !s.tag.startsWith("perf/")).map((s) => `${s.tag}@${s.step}=${s.value}`);
    };
    const before = tf.memory().numTensors;
    const registered = await run({ recon: "fixed-gaussian" });
    expect(tf.memory().numTensors).toBe(before);
    expect(registered).toEqual(await run({ recon: "gaussian", scale: SIGMA }));
    expect(registered.some((p) => p.startsWith("diagnostics/likelihood/sigma@"))).toBe(true);
    expect(registered.some((p) => p.startsWith("test/nll@16="))).toBe(true);
  });
});
