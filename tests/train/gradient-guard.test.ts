import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import type { Phase, Variant } from "../../src/models/index.js";
import { Rng } from "../../src/random/rng.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { seededNoise } from "../../src/train/noise.js";
import { phaseRunners, trainStep } from "../../src/train/step.js";
import { batch, harness, sameWeights, smallConfig, type Harness } from "../helpers/variant-harness.js";

let open: Harness | undefined;
beforeAll(async () => {
  await selectBackend("wasm");
});
afterEach(() => {
  open?.dispose();
  open = undefined;
});

describe("every phase gives a gradient to every variable it trains", () => {
  it("a phase whose loss misses a trained network stops the step before any optimizer moves", async () => {
    const h = (open = harness(smallConfig("ae")));
    // Trains encoder and decoder, but its only term depends on the codes: tfjs's variableGrads would
    // silently leave the decoder's variables out of the gradient map.
    const codesOnly: Phase = {
      name: "codes_only",
      trains: ["encoder", "decoder"],
      run: ({ x }) => ({ terms: [{ name: "norm", weight: 1, value: tf.mean(tf.square(h.variant.encode(x).embedding)) as tf.Scalar }] }),
    };
    const broken: Variant = { ...h.variant, phases: [codesOnly] };
    const x = batch();
    const sums = new ScalarAccumulator();
    const before = h.snapshot();
    const tensorsBefore = tf.memory().numTensors;
    await expect(trainStep(broken, phaseRunners(broken), h.optimizers, x, seededNoise(new Rng("guard")), 0, { signals: new Map() }, sums)).rejects.toThrow(
      /phase codes_only trains encoder\+decoder but its loss gives no gradient to \d+ of their \d+ variables/,
    );
    const after = h.snapshot();
    expect(sameWeights(before.encoder, after.encoder)).toBe(true);
    expect(sameWeights(before.decoder, after.decoder)).toBe(true);
    // The thrown step leaks nothing.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    sums.dispose();
    x.dispose();
  });

  it("names the variables that got no gradient", async () => {
    const h = (open = harness(smallConfig("ae")));
    const decoderVariables = h.variant.networks.decoder!.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const broken: Variant = {
      ...h.variant,
      phases: [
        {
          name: "codes_only",
          trains: ["encoder", "decoder"],
          run: ({ x }) => ({ terms: [{ name: "norm", weight: 1, value: tf.mean(h.variant.encode(x).embedding) as tf.Scalar }] }),
        },
      ],
    };
    const x = batch();
    const sums = new ScalarAccumulator();
    let message = "";
    try {
      await trainStep(broken, phaseRunners(broken), h.optimizers, x, seededNoise(new Rng("guard")), 0, { signals: new Map() }, sums);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`no gradient to ${decoderVariables.length} of their`);
    expect(message).toContain(decoderVariables[0]);
    sums.dispose();
    x.dispose();
  });
});
