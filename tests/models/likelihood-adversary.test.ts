import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { runConfigSchema, type RunConfig } from "../../src/config/schema.js";
import { cbMeanFromLogits } from "../../src/losses/likelihoods/index.js";
import { LOG_SCALE_LAYER } from "../../src/nn/decoder-scale.js";
import { advanceSpectralNorm } from "../../src/nn/spectral-norm.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { phaseRunners, trainStep } from "../../src/train/step.js";
import { errorOf } from "../helpers/config-error.js";
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

// Every likelihood with every adversarial variant: one reconstruction term (the likelihood) and one
// adversarial term (adversarial-term.ts) for the pixel GAN, AAE and VAE-GAN.

const track = disposeAfterEach();

const LIKELIHOODS: Array<[string, Record<string, unknown>]> = [
  ["bce", { recon: "bce" }],
  ["mse", { recon: "mse" }],
  ["l1", { recon: "l1" }],
  ["cbernoulli", { recon: "cbernoulli" }],
  ["gaussian, fixed σ", { recon: "gaussian", scale: 0.1 }],
  ["gaussian, learned σ", { recon: "gaussian", scale: "learned" }],
  ["gaussian, optimal σ", { recon: "gaussian", scale: "optimal" }],
  ["laplace, learned b", { recon: "laplace", scale: "learned" }],
];

const ADVERSARIAL: Array<[string, RunConfig["model"]["variant"], Record<string, unknown>, string[]]> = [
  ["ae+gan", "ae+gan", {}, ["autoencoder", "discriminator"]],
  ["vae+gan, adaptive, hinge", "vae+gan", { weight: "adaptive", loss: "hinge" }, ["autoencoder", "discriminator"]],
  ["aae", "aae", {}, ["autoencoder", "latent_discriminator"]],
  ["aae, separate updates", "aae", { aaeUpdates: "separate" }, ["autoencoder", "latent_discriminator", "regularization"]],
  ["vaegan, adaptive", "vaegan", { weight: "adaptive" }, ["encoder", "decoder", "discriminator"]],
];

/** One step of every phase through the loop's trainStep; returns the means it logged. */
async function loggedStep(h: Harness, x: tf.Tensor4D, step: number): Promise<Map<string, number>> {
  const sums = new ScalarAccumulator();
  await trainStep(h.variant, phaseRunners(h.variant), h.optimizers, x, fixedNoise(), step, { signals: new Map() }, sums);
  const { means } = await sums.drain();
  sums.dispose();
  return means;
}

const logScaleOf = (h: Harness) => h.variant.networks.decoder!.getLayer(LOG_SCALE_LAYER).getWeights()[0].dataSync()[0];

describe("every likelihood trains with every adversarial variant", () => {
  for (const [label, variant, adversarial, phases] of ADVERSARIAL) {
    for (const [likelihood, model] of LIKELIHOODS) {
      it(`${label} with ${likelihood}: 4 steps with finite losses in every phase, no tensor left behind, each phase moving only its networks`, async () => {
        const h = track(harness(smallConfig(variant, { model, adversarial })));
        const x = batch();
        const learned = model.scale === "learned";
        const scaleBefore = learned ? logScaleOf(h) : 0;
        let tensors = 0;
        for (let step = 0; step < 4; step++) {
          const logged = await loggedStep(h, x, step);
          for (const phase of phases) expect(logged.has(`${phase}/loss`), `${phase} at step ${step}`).toBe(true);
          expect([...logged.keys()].filter((k) => k.endsWith("/loss")).length).toBe(phases.length);
          for (const [tag, value] of logged) expect(Number.isFinite(value), `${tag} at step ${step}`).toBe(true);
          // The reconstruction term is the likelihood's in every phase that has one.
          expect([...logged.keys()].some((k) => k.endsWith("/feature_recon"))).toBe(false);
          if (model.scale !== undefined && typeof model.scale !== "number")
            expect(logged.has(`diagnostics/likelihood/${model.recon === "gaussian" ? "sigma" : "scale"}`)).toBe(true);
          if (step === 0) tensors = tf.memory().numTensors;
          else expect(tf.memory().numTensors, `tensors after step ${step}`).toBe(tensors);
        }
        // A learned scale is a weight of the decoder, so it trains with the phase that trains the decoder.
        if (learned) expect(logScaleOf(h)).not.toBe(scaleBefore);
        await expectEachPhaseMovesOnlyItsNetworks(h, x, 4);
        x.dispose();
      });
    }
  }
});

describe("the likelihood's equivalences, bit for bit", () => {
  const proper: Array<[string, Record<string, unknown>]> = [
    ["cbernoulli", { recon: "cbernoulli" }],
    ["gaussian, learned σ", { recon: "gaussian", scale: "learned" }],
    ["laplace, optimal b", { recon: "laplace", scale: "optimal" }],
  ];
  for (const [likelihood, model] of proper) {
    it(`${likelihood}: vae+gan with lambda 0 follows vae, and its warm-up too; aae's warm-up follows ae`, async () => {
      const cases: Array<[Harness, Harness, number]> = [
        [track(harness(smallConfig("vae", { model }))), track(harness(smallConfig("vae+gan", { model, adversarial: { weight: 0 } }))), 3],
        [track(harness(smallConfig("vae", { model }))), track(harness(smallConfig("vae+gan", { model, adversarial: { weight: "adaptive", start: 3 } }))), 3],
        [track(harness(smallConfig("ae", { model }))), track(harness(smallConfig("aae", { model, adversarial: { start: 3 } }))), 3],
      ];
      const x = batch();
      for (const [plain, adversarial, steps] of cases) {
        for (let step = 0; step < steps; step++) {
          await plain.step(x, undefined, step);
          await adversarial.step(x, undefined, step);
        }
        const [a, b] = [plain.snapshot(), adversarial.snapshot()];
        expect(sameWeights(a.encoder, b.encoder) && sameWeights(a.decoder, b.decoder), adversarial.variant.name).toBe(true);
      }
      x.dispose();
    });
  }

  it("the pixel discriminator sees the likelihood's mean: a continuous Bernoulli's E[x], not λ", () => {
    const h = track(harness(smallConfig("ae+gan", { model: { recon: "cbernoulli" } })));
    const x = batch();
    const phase = h.variant.phases.find((p) => p.name === "autoencoder")!;
    const [shared, mean, lambda] = tf.tidy(() => {
      const { share } = phase.run({ x, noise: fixedNoise(), shared: new Map(), training: false });
      const logits = h.variant.decodeLogits(h.variant.encode(x).embedding);
      return [share!.reconstruction, cbMeanFromLogits(logits), tf.sigmoid(logits)].map((t) => Array.from(t.dataSync()));
    });
    expect(shared).toEqual(mean);
    expect(shared).not.toEqual(lambda);
    expect(h.variant.likelihood?.kind).toBe("cbernoulli");
    x.dispose();
  });
});

describe("vaegan with a pixel likelihood", () => {
  it("is Larsen's feature loss unless a likelihood is named", () => {
    expect(runConfigSchema.parse({ model: { variant: "vaegan" } }).model.recon).toBe("feature");
    expect(runConfigSchema.parse({ model: { variant: "vaegan", recon: "cbernoulli" } }).model.recon).toBe("cbernoulli");
    expect(runConfigSchema.safeParse({ model: { variant: "vae", recon: "feature" } }).success).toBe(false);
  });

  it("routes the likelihood as Larsen routes the feature loss (encoder: KL + recon; decoder: gamma recon + GAN), with no feature pass", async () => {
    const h = track(harness(smallConfig("vaegan", { model: { recon: "gaussian", scale: "learned" }, adversarial: { gamma: 0.3 } })));
    const x = batch();
    const calls = countForwardPasses(h);
    const sums = new ScalarAccumulator();
    await trainStep(h.variant, phaseRunners(h.variant), h.optimizers, x, fixedNoise(), 0, { signals: new Map() }, sums);
    const { means } = await sums.drain();
    sums.dispose();
    expect(calls).toEqual({ encoder: 1, decoder: 3, discriminator: 5 });
    expect([...means.keys()].filter((k) => /^(encoder|decoder)\//.test(k)).sort()).toEqual([
      "decoder/gan",
      "decoder/loss",
      "decoder/recon",
      "encoder/kl",
      "encoder/loss",
      "encoder/recon",
    ]);
    const weights = tf.tidy(() =>
      h.variant.phases
        .find((p) => p.name === "decoder")!
        .run({ x, noise: fixedNoise(), shared: new Map(), training: false })
        .terms.map((t) => [t.name, t.weight]),
    );
    expect(weights).toEqual([
      ["recon", 0.3],
      ["gan", 1],
    ]);
    x.dispose();
  });
});

describe("where a likelihood and an adversarial option do not combine, one line says why", () => {
  it("the ratio balance needs a reconstruction term that stays positive: refused with cbernoulli, gaussian and laplace", () => {
    for (const model of [{ recon: "cbernoulli" }, { recon: "gaussian", scale: "learned" }, { recon: "laplace", scale: 0.1 }]) {
      for (const variant of ["vae+gan", "vaegan"] as const) {
        expect(errorOf(() => harness(smallConfig(variant, { model, adversarial: { weight: { ratio: 0.1 } } })))).toMatch(
          /ratio.*stays positive.*not recon (cbernoulli|gaussian|laplace).*use adaptive/,
        );
      }
    }
    for (const recon of ["bce", "mse", "l1"]) track(harness(smallConfig("vae+gan", { model: { recon }, adversarial: { weight: { ratio: 0.1 } } })));
  });
});

describe("an explicit training flag", () => {
  it("a spectral norm's power iteration moves in a training run of the discriminator's phase, and only there", () => {
    const h = track(harness(smallConfig("ae+gan", { model: { recon: "cbernoulli", discriminator: { hidden: [32, 16], spectralNorm: true } } })));
    const d = h.variant.networks.discriminator!;
    const us = () => d.layers.filter((l) => l.getClassName() === "AelabSpectralDense").map((l) => Array.from(l.getWeights()[2].dataSync()));
    const phase = h.variant.phases.find((p) => p.name === "discriminator")!;
    const x = batch();
    const before = us();
    const run = (training: boolean) => tf.tidy(() => void phase.run({ x, noise: fixedNoise(), shared: new Map(), training }));
    run(false);
    expect(us()).toEqual(before);
    run(true);
    expect(us()).not.toEqual(before);
    const after = us();
    advanceSpectralNorm(d);
    expect(us()).not.toEqual(after);
    x.dispose();
  });

  it("the adaptive weight in a training step without the loop's gradient tape says what is missing", () => {
    const h = track(harness(smallConfig("vae+gan", { model: { recon: "cbernoulli" }, adversarial: { weight: "adaptive" } })));
    const x = batch();
    const phase = h.variant.phases.find((p) => p.name === "autoencoder")!;
    expect(() => tf.tidy(() => void phase.run({ x, noise: fixedNoise(), shared: new Map(), training: true, step: 0 }))).toThrow(/gradient tape/);
    x.dispose();
  });
});
