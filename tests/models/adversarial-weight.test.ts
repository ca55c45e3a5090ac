import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { RunConfig } from "../../src/config/schema.js";
import { ADAPTIVE_EPSILON, gradientNormOnTape } from "../../src/losses/adaptive-weight.js";
import { lastLayerKernel } from "../../src/models/adversarial-weight.js";
import type { StepContext } from "../../src/models/variant.js";
import { trainableVariables } from "../../src/nn/modules.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { phaseRunners, trainStep } from "../../src/train/step.js";
import {
  batch,
  countForwardPasses,
  disposeAfterEach,
  expectEachPhaseMovesOnlyItsNetworks,
  fixedNoise,
  type Harness,
  harness,
  sameWeights,
  smallConfig,
} from "../helpers/variant-harness.js";

const track = disposeAfterEach();

/** One step of the named phases through the loop's trainStep; returns the means it logged. */
async function loggedStep(h: Harness, x: tf.Tensor4D, phases: string[], step = 0): Promise<Map<string, number>> {
  const sums = new ScalarAccumulator();
  const runners = phaseRunners(h.variant).filter((r) => phases.includes(r.phase.name));
  await trainStep(h.variant, runners, h.optimizers, x, fixedNoise(), step, { signals: new Map() }, sums);
  return (await sums.drain()).means;
}

/** ‖∂term/∂W‖ for each term of the autoencoder phase, each from its own forward pass (no shared tape). */
function normsByHand(h: Harness, x: tf.Tensor4D, kernel: tf.Variable): Record<string, number> {
  const phase = h.variant.phases.find((p) => p.name === "autoencoder")!;
  const out: Record<string, number> = {};
  for (const name of ["recon", "gan"]) {
    out[name] = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const { terms } = phase.run({ x, noise: fixedNoise(), shared: new Map(), training: false });
        return terms.find((t) => t.name === name)!.value;
      }, [kernel]);
      const g = grads[kernel.name].dataSync();
      return Math.sqrt(Array.from(g).reduce((s, v) => s + v * v, 0));
    });
  }
  return out;
}

describe("adaptive adversarial weight (Esser et al. 2021)", () => {
  for (const variant of ["ae+gan", "vae+gan"] as const) {
    it(`${variant}: lambda equals ‖∇_L recon‖ / (‖∇_L gan‖ + 1e-4) at the decoder's last kernel, computed by hand`, async () => {
      const h = track(harness(smallConfig(variant, { adversarial: { weight: 0.5, balance: { mode: "adaptive" } } })));
      const x = batch();
      const kernel = lastLayerKernel(h.variant.networks.decoder!);
      expect(kernel.name).toMatch(/kernel/);
      const norms = normsByHand(h, x, kernel);
      const byHand = (0.5 * norms.recon) / (norms.gan + ADAPTIVE_EPSILON);
      const logged = await loggedStep(h, x, ["autoencoder"]);
      expect(logged.get("diagnostics/adversarial_weight")! / byHand).toBeCloseTo(1, 4);
      x.dispose();
    });
  }

  it("the update treats lambda as a constant: the gradient is ∇recon + lambda ∇gan, term by term", () => {
    const h = track(harness(smallConfig("ae+gan", { adversarial: { weight: "adaptive" } })));
    const x = batch();
    const phase = h.variant.phases.find((p) => p.name === "autoencoder")!;
    const vars = [...trainableVariables(h.variant.networks.encoder!), ...trainableVariables(h.variant.networks.decoder!)];
    const kernel = lastLayerKernel(h.variant.networks.decoder!);
    const gradsOf = (pick: (ctx: StepContext) => tf.Scalar) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => pick({ x, noise: fixedNoise(), shared: new Map(), step: 0, training: true, gradientNorm: gradientNormOnTape }),
          vars,
        );
        return vars.map((v) => Array.from(grads[v.name].dataSync()));
      });
    let lambda = 0;
    const total = gradsOf((ctx) => {
      const { terms } = phase.run(ctx);
      lambda = (terms.find((t) => t.name === "gan")!.weight as tf.Scalar).dataSync()[0];
      return terms.reduce<tf.Scalar>((s, t) => tf.add(s, tf.mul(t.value, t.weight)), tf.scalar(0));
    });
    const recon = gradsOf((ctx) => phase.run(ctx).terms.find((t) => t.name === "recon")!.value);
    const gan = gradsOf((ctx) => phase.run(ctx).terms.find((t) => t.name === "gan")!.value);
    expect(lambda).toBeGreaterThan(0);
    let worst = 0;
    total.forEach((g, i) =>
      g.forEach((v, j) => {
        const expected = recon[i][j] + lambda * gan[i][j];
        worst = Math.max(worst, Math.abs(v - expected) / (Math.abs(expected) + 1e-3));
      }),
    );
    expect(worst).toBeLessThan(1e-4);
    expect(kernel.name).toMatch(/decoder/);
    x.dispose();
  });

  it("evaluation (no tape, no step) uses the last training step's lambda", async () => {
    const h = track(harness(smallConfig("ae+gan", { adversarial: { weight: "adaptive" } })));
    const x = batch();
    const logged = (await loggedStep(h, x, ["autoencoder"])).get("diagnostics/adversarial_weight")!;
    const phase = h.variant.phases.find((p) => p.name === "autoencoder")!;
    const evaluated = tf.tidy(() => phase.run({ x, noise: fixedNoise(), shared: new Map(), training: false }).diagnostics!.adversarial_weight.dataSync()[0]);
    expect(evaluated).toBeCloseTo(logged, 6);
    x.dispose();
  });
});

describe("ratio balance", () => {
  it("the first step's lambda is ratio * recon / gan (the running means' start-up bias cancels)", async () => {
    const h = track(harness(smallConfig("vae+gan", { adversarial: { weight: { ratio: 0.1 } } })));
    const x = batch();
    const logged = await loggedStep(h, x, ["autoencoder"]);
    const expected = (0.1 * logged.get("autoencoder/recon")!) / logged.get("autoencoder/gan")!;
    expect(logged.get("diagnostics/adversarial_weight")! / expected).toBeCloseTo(1, 5);
    x.dispose();
  });
});

describe("adversarial.start: a warm-up without the adversarial term and the discriminator", () => {
  const configs: Array<[string, Parameters<typeof smallConfig>[1]]> = [
    ["fixed lambda", { adversarial: { weight: 10, start: 3 } }],
    ["adaptive lambda, hinge", { adversarial: { weight: "adaptive", loss: "hinge", start: 3 } }],
  ];
  for (const [label, extra] of configs) {
    it(`${label}: vae+gan's first 3 steps equal vae's bit for bit, then the GAN switches on`, async () => {
      const plain = track(harness(smallConfig("vae")));
      const withGan = track(harness(smallConfig("vae+gan", extra)));
      const x = batch();
      for (let step = 0; step < 4; step++) {
        const dBefore = withGan.snapshot().discriminator;
        await plain.step(x, undefined, step);
        await withGan.step(x, undefined, step);
        const a = plain.snapshot();
        const b = withGan.snapshot();
        const same = sameWeights(a.encoder, b.encoder) && sameWeights(a.decoder, b.decoder);
        expect(same, `step ${step}`).toBe(step < 3);
        expect(sameWeights(dBefore, b.discriminator), `discriminator at step ${step}`).toBe(step < 3);
      }
      x.dispose();
    });
  }
});

describe("the new options keep gradient isolation and the forward-pass count", () => {
  const snConv = { type: "conv", filters: [4, 8], spectralNorm: true };
  const options: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
    ["adaptive", { weight: "adaptive" }],
    ["ratio", { weight: { ratio: 0.1 } }],
    ["hinge", { loss: "hinge" }],
    ["adaptive + hinge + start", { weight: "adaptive", loss: "hinge", start: 1 }],
    ["spectral-norm MLP D, adaptive", { weight: "adaptive" }, { discriminator: { hidden: [32, 16], spectralNorm: true } }],
    ["spectral-norm conv D", {}, { discriminator: snConv }],
    ["spectral-norm PatchGAN D, hinge, adaptive", { weight: "adaptive", loss: "hinge" }, { discriminator: { ...snConv, head: "patch" } }],
  ];
  for (const variant of ["ae+gan", "vae+gan"] as const) {
    for (const [label, adversarial, model] of options) {
      it(`${variant}, ${label}: each phase moves exactly its networks; passes per step (enc / dec / D) stay 1 / 1 / 3`, async () => {
        const h = track(harness(smallConfig(variant, { adversarial, model })));
        const x = batch();
        const calls = countForwardPasses(h);
        const step = (adversarial.start as number | undefined) ?? 0;
        await expectEachPhaseMovesOnlyItsNetworks(h, x, step);
        for (const k of Object.keys(calls)) calls[k] = 0;
        await h.step(x, undefined, step);
        expect(calls).toEqual({ encoder: 1, decoder: 1, discriminator: 3 });
        x.dispose();
      });
    }
  }

  it("during the warm-up a step runs no discriminator at all", async () => {
    const h = track(harness(smallConfig("vae+gan", { adversarial: { weight: "adaptive", start: 5 } })));
    const calls = { discriminator: 0 };
    const d = h.variant.networks.discriminator!;
    const apply = d.apply.bind(d);
    d.apply = ((...args: Parameters<typeof apply>) => {
      calls.discriminator++;
      return apply(...args);
    }) as typeof d.apply;
    const x = batch();
    await h.step(x, undefined, 4);
    expect(calls.discriminator).toBe(0);
    await h.step(x, undefined, 5);
    expect(calls.discriminator).toBe(3);
    x.dispose();
  });
});

it("the configs' adversarial options parse (shorthands) and are refused where they do not apply", () => {
  const adaptive: RunConfig = smallConfig("ae+gan", { adversarial: { weight: "adaptive" } });
  expect(adaptive.adversarial.weight).toBe(1);
  expect(adaptive.adversarial.balance).toEqual({ mode: "adaptive", max: 1e4 });
  expect(smallConfig("vae+gan", { adversarial: { weight: { ratio: 0.2 } } }).adversarial.balance).toEqual({ mode: "ratio", ratio: 0.2, decay: 0.99, max: 1e4 });
  expect(smallConfig("vae+gan", {}).adversarial.balance).toEqual({ mode: "fixed" });
  expect(() => smallConfig("aae", { adversarial: { weight: "adaptive" } })).toThrow(/trains only the encoder/);
  expect(() => smallConfig("vae", { adversarial: { start: 10 } })).toThrow(/adversarial.start is for variants with an adversarial term/);
  expect(smallConfig("vaegan", { adversarial: { start: 10, weight: "adaptive" } }).adversarial.start).toBe(10);
});

it("a training step with the adaptive weight, the ratio balance and a spectrally normalised D leaks no tensor", async () => {
  for (const adversarial of [{ weight: "adaptive" }, { weight: { ratio: 0.1 } }]) {
    const h = track(harness(smallConfig("vae+gan", { adversarial, model: { discriminator: { hidden: [32, 16], spectralNorm: true } } })));
    const x = batch();
    await h.step(x, undefined, 0);
    const before = tf.memory().numTensors;
    await h.step(x, undefined, 1);
    await h.step(x, undefined, 2);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  }
});

describe("the hinge loss in aae and vaegan", () => {
  for (const variant of ["aae", "vaegan"] as const) {
    it(`${variant}: each phase moves exactly its networks`, async () => {
      const h = track(harness(smallConfig(variant, { adversarial: { loss: "hinge" } })));
      const x = batch();
      await expectEachPhaseMovesOnlyItsNetworks(h, x);
      x.dispose();
    });
  }
});
