import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { larsenGate } from "../../src/models/gating.js";
import { Rng } from "../../src/random/rng.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { seededNoise } from "../../src/train/noise.js";
import { phaseRunners, trainStep, weightedTotal, type StepState } from "../../src/train/step.js";
import { batch, harness, sameWeights, smallConfig, type Harness } from "../helpers/variant-harness.js";

// VAE-GAN as Larsen et al.'s reference code (andersbll/autoencoding_beyond_pixels, model/aegan.py) has it.

let open: Harness | undefined;
beforeAll(async () => {
  await selectBackend("wasm");
});
afterEach(() => {
  open?.dispose();
  open = undefined;
});

/** Runs `steps` training steps of every phase and returns the means trainStep accumulated, and which networks moved at each step. */
async function train(h: Harness, steps: number, state: StepState = { signals: new Map() }) {
  const runners = phaseRunners(h.variant);
  const noise = seededNoise(new Rng("vaegan-reference"));
  const sums = new ScalarAccumulator();
  const x = batch();
  const moved: string[][] = [];
  for (let step = 0; step < steps; step++) {
    const before = h.snapshot();
    await trainStep(h.variant, runners, h.optimizers, x, noise, step, state, sums);
    const after = h.snapshot();
    moved.push(Object.keys(before).filter((n) => !sameWeights(before[n], after[n])));
  }
  const drained = await sums.drain();
  sums.dispose();
  x.dispose();
  return { ...drained, moved };
}

describe("VAE-GAN discriminator loss", () => {
  it("weighs real : reconstructions : prior samples as 0.5 : 0.25 : 0.25, and gives the gate its BCE on real inputs and on all fakes", () => {
    const h = (open = harness(smallConfig("vaegan")));
    const phase = h.variant.phases.find((p) => p.name === "discriminator")!;
    const d = h.variant.networks.discriminator!;
    const [x, reconstruction, priorSample] = [batch(8, 5), batch(8, 6), batch(8, 7)];
    const [total, expected] = tf.tidy(() => {
      const shared = new Map<string, tf.Tensor>([
        ["reconstruction", reconstruction],
        ["priorSample", priorSample],
      ]);
      const { terms, diagnostics } = phase.run({ x, noise: seededNoise(new Rng("unused")), shared, training: false });
      const logitOf = (images: tf.Tensor) => (d.apply(images) as tf.Tensor[])[0];
      // BCE toward 1 is softplus(-logit), toward 0 softplus(logit).
      const real = tf.mean(tf.softplus(tf.neg(logitOf(x))));
      const recon = tf.mean(tf.softplus(logitOf(reconstruction)));
      const prior = tf.mean(tf.softplus(logitOf(priorSample)));
      // The gate's signals: BCE on real inputs, and the mean over reconstructions and prior samples together.
      expect(diagnostics!.D_bce_real.dataSync()[0]).toBeCloseTo(real.dataSync()[0], 5);
      expect(diagnostics!.D_bce_fake.dataSync()[0]).toBeCloseTo(tf.mul(0.5, tf.add(recon, prior)).dataSync()[0], 5);
      return [weightedTotal(terms).dataSync()[0], tf.addN([tf.mul(0.5, real), tf.mul(0.25, recon), tf.mul(0.25, prior)]).dataSync()[0]];
    });
    expect(total).toBeCloseTo(expected, 5);
    tf.dispose([x, reconstruction, priorSample]);
  });
});

describe("VAE-GAN gating (Larsen's reference code)", () => {
  it("decides within the step: with every BCE below equilibrium - margin, the discriminator skips already at the first step", async () => {
    // Equilibrium 100: every BCE is far below it, so the discriminator wins "by a margin" and skips.
    const h = (open = harness(smallConfig("vaegan", { adversarial: { gating: { enabled: true, equilibrium: 100, margin: 0 } } })));
    const { means, moved } = await train(h, 2);
    expect(moved).toEqual([
      ["encoder", "decoder"],
      ["encoder", "decoder"],
    ]);
    expect(means.get("gating/discriminator_skipped")).toBe(1);
    expect(means.get("gating/decoder_skipped")).toBe(0);
    // A skipped phase's terms are not logged; the signals still are.
    expect(means.has("discriminator/gan")).toBe(false);
    expect(means.has("diagnostics/D_bce_real")).toBe(true);
    expect(means.has("diagnostics/D_bce_fake")).toBe(true);
  });

  it("reads this step's BCE on real inputs and on all fakes, and both networks follow the gate it gives", async () => {
    // A tight margin, so that some steps gate and some do not.
    const h = (open = harness(smallConfig("vaegan", { adversarial: { gating: { enabled: true, equilibrium: 0.68, margin: 0.01 } } })));
    const state: StepState = { signals: new Map() };
    let gated = 0;
    for (let step = 0; step < 6; step++) {
      const { means, moved } = await train(h, 1, state);
      // The signals the gate read are the ones logged for this very step.
      expect(state.signals.get("D_bce_real")).toBeCloseTo(means.get("diagnostics/D_bce_real")!, 6);
      expect(state.signals.get("D_bce_fake")).toBeCloseTo(means.get("diagnostics/D_bce_fake")!, 6);
      const gate = larsenGate(state.signals, 0.68, 0.05);
      expect(moved[0]).toEqual(["encoder", ...(gate.decoder ? ["decoder"] : []), ...(gate.discriminator ? ["discriminator"] : [])]);
      expect(means.get("gating/decoder_skipped")).toBe(gate.decoder ? 0 : 1);
      expect(means.get("gating/discriminator_skipped")).toBe(gate.discriminator ? 0 : 1);
      if (!gate.decoder || !gate.discriminator) gated++;
    }
    expect(gated).toBeGreaterThan(0);
  });

  it("gating/<phase>_skipped counts only the steps the phase was scheduled for (discriminatorSteps > 1)", async () => {
    // Equilibrium 1e-6: every BCE is above it, so the decoder skips whenever it is on schedule.
    const h = (open = harness(smallConfig("vaegan", { adversarial: { discriminatorSteps: 2, gating: { enabled: true, equilibrium: 1e-6, margin: 0 } } })));
    const { means, counts, moved } = await train(h, 4);
    expect(moved).toEqual([["discriminator"], ["encoder", "discriminator"], ["discriminator"], ["encoder", "discriminator"]]);
    // Skipped on both of its 2 scheduled steps: 1, not the 0.5 that counting the off-schedule steps gives.
    expect(means.get("gating/decoder_skipped")).toBe(1);
    expect(counts.get("gating/decoder_skipped")).toBe(2);
    expect(means.get("gating/discriminator_skipped")).toBe(0);
    expect(counts.get("gating/discriminator_skipped")).toBe(4);
  });

  it("larsenGate: both train when both would skip, and without signals", () => {
    const signals = (real: number, fake: number) =>
      new Map([
        ["D_bce_real", real],
        ["D_bce_fake", fake],
      ]);
    expect(larsenGate(new Map(), 0.68, 0.35)).toEqual({ decoder: true, discriminator: true });
    expect(larsenGate(signals(0.2, 0.7), 0.68, 0.35)).toEqual({ decoder: true, discriminator: false });
    expect(larsenGate(signals(0.7, 1.1), 0.68, 0.35)).toEqual({ decoder: false, discriminator: true });
    expect(larsenGate(signals(0.2, 1.1), 0.68, 0.35)).toEqual({ decoder: true, discriminator: true });
  });
});
