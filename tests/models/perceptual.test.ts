import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConfigSchema } from "../../src/config/schema.js";
import { loadOrTrainFeatureNetwork, type FeatureNetwork } from "../../src/features/feature-network.js";
import { perceptualDistance } from "../../src/losses/perceptual.js";
import { buildVariant, registerVariant } from "../../src/models/index.js";
import { streamFor } from "../../src/random/rng.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";
import {
  batch,
  disposeAfterEach,
  expectEachPhaseMovesOnlyItsNetworks,
  fixedNoise,
  harness,
  SHAPE,
  sameWeights,
  smallConfig,
} from "../helpers/variant-harness.js";

const track = disposeAfterEach();
let cacheDir: string;
let network: FeatureNetwork;

function weightsOf(net: FeatureNetwork): Float32Array[] {
  return net.model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
}

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), "aelab-perceptual-"));
  network = await loadOrTrainFeatureNetwork(cacheDir, await tinyDataset(), { seed: 1, epochs: 1 });
});

afterAll(() => {
  network?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

const perceptual = { weight: 0.5, blocks: [1, 3] };

describe("model.perceptual in every variant", () => {
  for (const [variant, model] of [
    ["ae", {}],
    ["vae+gan", {}],
    ["aae", {}],
    ["vaegan", { recon: "mse" }],
    ["vaegan", { recon: "feature" }],
  ] as const) {
    it(`${variant} (recon ${"recon" in model ? model.recon : "mse"}): the term joins recon, each phase moves only its networks, the feature network never moves`, async () => {
      const config = smallConfig(variant, { model: { ...model, perceptual } });
      const h = track(harness(config, { perceptualNetwork: network }));
      const x = batch(8);
      const frozen = weightsOf(network);
      expect(frozen.length).toBeGreaterThan(0);
      const first = h.variant.phases[0];
      const terms = tf.tidy(() => {
        const result = first.run({ x, noise: fixedNoise(), shared: new Map(), step: 0 } as never);
        return result.terms.map((t) => ({ name: t.name, weight: t.weight, value: t.value.dataSync()[0] }));
      });
      const term = terms.find((t) => t.name === "perceptual");
      expect(term?.weight).toBe(0.5);
      expect(term?.value).toBeGreaterThan(0);
      await expectEachPhaseMovesOnlyItsNetworks(h, x);
      expect(sameWeights(weightsOf(network), frozen)).toBe(true);
      x.dispose();
    });
  }

  it("the term is the perceptual distance of the likelihood's mean at the chosen blocks", () => {
    const config = smallConfig("ae", { model: { perceptual } });
    const h = track(harness(config, { perceptualNetwork: network }));
    const x = batch(4);
    const [phase] = h.variant.phases;
    const [got, want] = tf.tidy(() => {
      const value = phase.run({ x, noise: fixedNoise(), shared: new Map(), step: 0 } as never).terms.find((t) => t.name === "perceptual")!.value;
      const y = tf.sigmoid(h.variant.decodeLogits(h.variant.encode(x).embedding)) as tf.Tensor4D;
      const a = network.blocks(y);
      const b = network.blocks(x);
      return [value.dataSync()[0], perceptualDistance([a[0], a[2]], [b[0], b[2]]).dataSync()[0]];
    });
    expect(got).toBeCloseTo(want, 5);
    x.dispose();
  });

  it("a variant built without its network (to read a checkpoint) says so when asked to train", () => {
    const config = smallConfig("ae", { model: { perceptual } });
    const v = buildVariant(config, SHAPE, streamFor(1, "weights"));
    const x = batch(2);
    expect(() =>
      tf.tidy(() => {
        v.phases[0].run({ x, noise: fixedNoise(), shared: new Map(), step: 0 } as never);
      }),
    ).toThrow(/built without its feature network/);
    v.dispose();
    x.dispose();
  });

  it("is refused for a registered variant, and with the evaluation network's seed", () => {
    registerVariant("perceptual-test-variant", {
      build: (c, shape, rng) => buildVariant({ ...c, model: { ...c.model, variant: "ae", perceptual: undefined } }, shape, rng),
    });
    const config = smallConfig("ae", { model: { perceptual } });
    expect(() => buildVariant({ ...config, model: { ...config.model, variant: "perceptual-test-variant" } }, SHAPE, streamFor(1, "weights"))).toThrow(
      /registered variant perceptual-test-variant would ignore it/,
    );
    const parsed = runConfigSchema.safeParse({ model: { perceptual: { seed: 2 } } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/seed 2 is the feature network every metric is measured with/);
  });
});

describe("training with a perceptual loss", () => {
  it("trains the network once per cache, logs the term, and a second run reuses it", async () => {
    const cache = mkdtempSync(join(tmpdir(), "aelab-perceptual-loop-"));
    try {
      const config = tinyConfig({ model: { variant: "ae", recon: "mse", perceptual: { weight: 1, blocks: [1, 2, 3], seed: 3, epochs: 1 } } });
      const lines: string[][] = [[], []];
      for (const run of [0, 1]) {
        const writer = new MemoryWriter();
        const progress = { message: (line: string) => lines[run].push(line), epochStart() {}, step() {}, epochEnd() {}, close() {} };
        await trainLoop({ config, dataset: await tinyDataset(), writer, progress, featureCache: cache });
        const series = writer.series("train/autoencoder/perceptual");
        expect(series.length).toBeGreaterThan(0);
        for (const { value } of series) expect(Number.isFinite(value) && value > 0).toBe(true);
        expect(series.at(-1)!.value).toBeLessThan(series[0].value);
      }
      expect(lines[0].some((l) => /features: training a conv feature network/.test(l))).toBe(true);
      expect(lines[1].some((l) => /features: loaded .*-s3-e1/.test(l))).toBe(true);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
