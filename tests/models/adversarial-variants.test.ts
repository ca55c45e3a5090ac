import * as tf from "@tensorflow/tfjs";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/index.js";
import { ADAPTIVE_EPSILON } from "../../src/losses/adaptive-weight.js";
import { lastLayerKernel } from "../../src/models/adversarial-weight.js";
import { advanceSpectralNorm, powerIteration } from "../../src/nn/spectral-norm.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { runHparams } from "../../src/train/hparams.js";
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

// The adversarial options (warm-up, spectral norm, adaptive and ratio weights) in aae and vaegan.

const track = disposeAfterEach();

/** One step of the named phases (all if none), each step with fresh fixed noise; returns the logged means. */
async function fixedStep(h: Harness, x: tf.Tensor4D, step: number, phases?: string[]): Promise<Map<string, number>> {
  const sums = new ScalarAccumulator();
  const runners = phaseRunners(h.variant).filter((r) => !phases || phases.includes(r.phase.name));
  await trainStep(h.variant, runners, h.optimizers, x, fixedNoise(), step, { signals: new Map() }, sums);
  const means = (await sums.drain()).means;
  sums.dispose();
  return means;
}

describe("adversarial.start in aae: a warm-up that is ae's training, bit for bit", () => {
  for (const aaeUpdates of ["joint", "separate"] as const) {
    it(`${aaeUpdates}: the first 3 steps equal ae's, the latent discriminator is still; then it switches on`, async () => {
      const plain = track(harness(smallConfig("ae")));
      const aae = track(harness(smallConfig("aae", { adversarial: { aaeUpdates, start: 3 } })));
      const x = batch();
      const calls = countForwardPasses(aae);
      for (let step = 0; step < 4; step++) {
        const dBefore = aae.snapshot().latentDiscriminator;
        calls.latentDiscriminator = 0;
        await plain.step(x, undefined, step);
        await aae.step(x, undefined, step);
        const a = plain.snapshot();
        const b = aae.snapshot();
        expect(sameWeights(a.encoder, b.encoder) && sameWeights(a.decoder, b.decoder), `step ${step}`).toBe(step < 3);
        expect(sameWeights(dBefore, b.latentDiscriminator), `latent discriminator at step ${step}`).toBe(step < 3);
        expect(calls.latentDiscriminator, `latent discriminator passes at step ${step}`).toBe(step < 3 ? 0 : 3);
      }
      x.dispose();
    });
  }
});

describe("adversarial.start in vaegan: no GAN term and a frozen discriminator during the warm-up", () => {
  it("the first 3 steps equal vaegan's encoder and decoder phases with lambda 0 and no discriminator update; then the GAN switches on", async () => {
    const warm = track(harness(smallConfig("vaegan", { adversarial: { start: 3 } })));
    const reference = track(harness(smallConfig("vaegan", { adversarial: { weight: 0 } })));
    const x = batch();
    for (let step = 0; step < 4; step++) {
      const logged = await fixedStep(warm, x, step);
      await fixedStep(reference, x, step, ["encoder", "decoder"]);
      const a = warm.snapshot();
      const b = reference.snapshot();
      const same = (["encoder", "decoder", "discriminator"] as const).every((n) => sameWeights(a[n], b[n]));
      expect(same, `step ${step}`).toBe(step < 3);
      expect(logged.has("decoder/gan"), `decoder/gan logged at step ${step}`).toBe(step >= 3);
      expect(logged.has("discriminator/gan"), `discriminator trained at step ${step}`).toBe(step >= 3);
    }
    x.dispose();
  });

  it("a warm-up step decodes no prior sample and runs the discriminator only for the feature loss", async () => {
    const h = track(harness(smallConfig("vaegan", { adversarial: { start: 5 } })));
    const x = batch();
    const calls = countForwardPasses(h);
    await h.step(x, undefined, 4);
    // encoder: D on x and on the reconstruction; decoder: its reconstruction, D on it (no prior sample).
    expect(calls).toEqual({ encoder: 1, decoder: 2, discriminator: 3 });
    for (const k of Object.keys(calls)) calls[k] = 0;
    await h.step(x, undefined, 5);
    expect(calls).toEqual({ encoder: 1, decoder: 3, discriminator: 7 });
    x.dispose();
  });
});

/** The largest singular value of a [rows, cols] matrix, by ml-matrix's SVD in float64. */
function largestSingularValue(values: Float32Array, rows: number, cols: number): number {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, values[i * cols + j]);
  return Math.max(
    ...new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal,
  );
}

describe("spectral norm in aae's latent discriminator and vaegan's discriminator", () => {
  it("aae: every latent-discriminator layer is spectrally normalised; after power iteration sigma ≈ its kernel's largest singular value (SVD)", async () => {
    const h = track(harness(smallConfig("aae", { model: { latentDiscriminator: { hidden: [16, 8], spectralNorm: true } } })));
    const d = h.variant.networks.latentDiscriminator!;
    const layers = d.layers.filter((l) => l.getClassName() === "AelabSpectralDense");
    expect(layers.map((l) => l.name)).toEqual(["latent_discriminator_dense_0", "latent_discriminator_dense_1", "latent_discriminator_logit"]);
    const x = batch();
    // Its own phase advances u in training (from the random start); other phases and evaluation do not.
    const us = () => layers.map((l) => Array.from(l.getWeights()[2].dataSync()));
    const u0 = us();
    await h.step(x, ["latent_discriminator"]);
    expect(us()).not.toEqual(u0);
    for (let i = 0; i < 300; i++) advanceSpectralNorm(d);
    for (const layer of layers) {
      const [kernel, , u] = layer.getWeights();
      const [rows, cols] = kernel.shape as [number, number];
      const estimate = tf.tidy(() => powerIteration(kernel as tf.Tensor2D, u as tf.Tensor1D).sigma.dataSync()[0]);
      expect(estimate / largestSingularValue(kernel.dataSync() as Float32Array, rows, cols), layer.name).toBeCloseTo(1, 4);
    }
    const before = d.getWeights().map((w) => w.dataSync().slice());
    await h.step(x, ["autoencoder"], 300);
    tf.tidy(() => {
      h.variant.phases.find((p) => p.name === "latent_discriminator")!.run({ x, noise: fixedNoise(), shared: new Map(), training: false });
    });
    d.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i])));
    x.dispose();
  });

  const snMlp = { hidden: [32, 16], spectralNorm: true };
  const snConv = { type: "conv", filters: [4, 8], spectralNorm: true };
  const cases: Array<[string, Parameters<typeof smallConfig>[0], Parameters<typeof smallConfig>[1], Record<string, number>]> = [
    [
      "aae, spectral-norm latent D",
      "aae",
      { model: { latentDiscriminator: { hidden: [16], spectralNorm: true } } },
      { encoder: 1, decoder: 1, latentDiscriminator: 3 },
    ],
    [
      "aae separate, spectral-norm latent D, warm-up over",
      "aae",
      { adversarial: { aaeUpdates: "separate", start: 1 }, model: { latentDiscriminator: { hidden: [16], spectralNorm: true } } },
      { encoder: 3, decoder: 1, latentDiscriminator: 3 },
    ],
    ["vaegan, spectral-norm MLP D", "vaegan", { model: { discriminator: snMlp } }, { encoder: 1, decoder: 3, discriminator: 7 }],
    [
      "vaegan, spectral-norm conv D, adaptive, hinge",
      "vaegan",
      { adversarial: { weight: "adaptive", loss: "hinge" }, model: { discriminator: { ...snConv, featureLayer: -1 } } },
      { encoder: 1, decoder: 3, discriminator: 7 },
    ],
    ["vaegan, ratio", "vaegan", { adversarial: { weight: { ratio: 0.5 } } }, { encoder: 1, decoder: 3, discriminator: 7 }],
  ];
  for (const [label, variant, extra, passes] of cases) {
    it(`${label}: each phase moves exactly its networks; forward passes per step as without the option`, async () => {
      const h = track(harness(smallConfig(variant, extra)));
      const x = batch();
      const step = (extra?.adversarial?.start as number | undefined) ?? 0;
      await expectEachPhaseMovesOnlyItsNetworks(h, x, step);
      const calls = countForwardPasses(h);
      await h.step(x, undefined, step);
      expect(calls).toEqual(passes);
      x.dispose();
    });
  }

  it("vaegan: the spectrally normalised MLP discriminator's u moves only in the discriminator's phase", async () => {
    const h = track(harness(smallConfig("vaegan", { model: { discriminator: snMlp } })));
    const d = h.variant.networks.discriminator!;
    expect(d.layers.filter((l) => l.getClassName() === "AelabSpectralDense")).toHaveLength(3);
    const us = () => d.layers.filter((l) => l.getClassName() === "AelabSpectralDense").map((l) => Array.from(l.getWeights()[2].dataSync()));
    const x = batch();
    const before = us();
    await h.step(x, ["encoder", "decoder"]);
    expect(us()).toEqual(before);
    await h.step(x, ["discriminator"]);
    expect(us()).not.toEqual(before);
    x.dispose();
  });
});

describe("adaptive and ratio weights in vaegan's decoder", () => {
  it("adaptive: lambda = factor ‖∇_L gamma·feature‖ / (‖∇_L gan‖ + 1e-4) at the decoder's last kernel, computed by hand", async () => {
    const h = track(harness(smallConfig("vaegan", { adversarial: { weight: 0.5, balance: { mode: "adaptive" }, gamma: 0.3 } })));
    const x = batch();
    const kernel = lastLayerKernel(h.variant.networks.decoder!);
    const phase = h.variant.phases.find((p) => p.name === "decoder")!;
    const norm = (name: string) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const term = phase.run({ x, noise: fixedNoise(), shared: new Map(), training: false }).terms.find((t) => t.name === name)!;
          return name === "feature_recon" ? (tf.mul(term.value, 0.3) as tf.Scalar) : term.value;
        }, [kernel]);
        return Math.sqrt(Array.from(grads[kernel.name].dataSync()).reduce((s, v) => s + v * v, 0));
      });
    const byHand = (0.5 * norm("feature_recon")) / (norm("gan") + ADAPTIVE_EPSILON);
    const logged = await fixedStep(h, x, 0, ["decoder"]);
    expect(logged.get("diagnostics/adversarial_weight")! / byHand).toBeCloseTo(1, 4);
    x.dispose();
  });

  it("ratio: the first step's lambda is ratio · gamma · feature / gan", async () => {
    const h = track(harness(smallConfig("vaegan", { adversarial: { weight: { ratio: 0.2 }, gamma: 0.3 } })));
    const x = batch();
    const logged = await fixedStep(h, x, 0, ["decoder"]);
    const expected = (0.2 * 0.3 * logged.get("decoder/feature_recon")!) / logged.get("decoder/gan")!;
    expect(logged.get("diagnostics/adversarial_weight")! / expected).toBeCloseTo(1, 5);
    expect(Object.keys(h.variant.state ?? {}).sort()).toEqual(["adversarial_weight/last", "adversarial_weight/mean_gan", "adversarial_weight/mean_recon"]);
    x.dispose();
  });

  it("a fixed weight scales the decoder's GAN term, and the HParams record it", () => {
    const config = smallConfig("vaegan", { adversarial: { weight: 0.25 } });
    const h = track(harness(config));
    const weight = tf.tidy(
      () =>
        h.variant.phases
          .find((p) => p.name === "decoder")!
          .run({ x: batch(), noise: fixedNoise(), shared: new Map(), training: false })
          .terms.find((t) => t.name === "gan")!.weight,
    );
    expect(weight).toBe(0.25);
    expect(runHparams(config).adversarial_weight).toBe(0.25);
    expect(runHparams(smallConfig("vaegan")).adversarial_weight).toBe(1);
  });

  it("the default (fixed, weight 1) keeps the decoder's GAN term unweighted, as before", () => {
    const h = track(harness(smallConfig("vaegan")));
    const terms = tf.tidy(() => {
      const x = batch();
      return h.variant.phases
        .find((p) => p.name === "decoder")!
        .run({ x, noise: fixedNoise(), shared: new Map(), training: false })
        .terms.map((t) => [t.name, t.weight]);
    });
    expect(terms).toEqual([
      ["feature_recon", 0.005],
      ["gan", 1],
    ]);
    expect(h.variant.state).toEqual({});
  });
});

describe("where an option does not apply, one line says why", () => {
  const origin = "configs/x.yaml";
  it("aae refuses the adaptive and the ratio weight: its adversarial term trains only the encoder", () => {
    for (const weight of ["adaptive", { ratio: 0.1 }]) {
      const message = errorOf(() => validateConfig({ model: { variant: "aae", recon: "mse" }, adversarial: { weight } }, origin));
      expect(message).toMatch(
        /^config error in configs\/x\.yaml: adversarial\.weight (adaptive|ratio) does not apply to variant aae: its adversarial term trains only the encoder/,
      );
    }
  });

  it("ae and vae refuse the warm-up and the balances: they have no adversary", () => {
    expect(errorOf(() => validateConfig({ model: { variant: "vae" }, adversarial: { start: 5 } }, origin))).toMatch(
      /adversarial\.start is for variants with an adversarial term/,
    );
    expect(errorOf(() => validateConfig({ model: { variant: "ae" }, adversarial: { weight: "adaptive" } }, origin))).toMatch(
      /adversarial\.weight adaptive is for variants with a GAN on the decoder/,
    );
  });

  it("aae and vaegan accept the warm-up and spectral norm; vaegan the adaptive and ratio weights", () => {
    expect(
      validateConfig({ model: { variant: "aae", recon: "mse", latentDiscriminator: { spectralNorm: true } }, adversarial: { start: 5 } }, origin).adversarial
        .start,
    ).toBe(5);
    const vaegan = validateConfig(
      { model: { variant: "vaegan", recon: "feature", discriminator: { spectralNorm: true } }, adversarial: { start: 5, weight: { ratio: 0.1 } } },
      origin,
    );
    expect(vaegan.adversarial.balance.mode).toBe("ratio");
    expect(vaegan.model.discriminator.spectralNorm).toBe(true);
  });

  it("vaegan refuses the ratio weight with the hinge loss, as ae+gan does", () => {
    expect(errorOf(() => harness(smallConfig("vaegan", { adversarial: { weight: { ratio: 0.1 }, loss: "hinge" } })))).toMatch(/not hinge/);
  });
});
