import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadDataset, type Dataset } from "../../src/data/index.js";
import { FeatureNetworkError, loadOrTrainFeatureNetwork, type FeatureNetwork } from "../../src/features/feature-network.js";
import { FLIPS, objectiveSplit } from "../../src/features/objective.js";
import { FEATURE_NET_SPEC } from "../../src/config/feature-network-spec.js";
import { datasetKey } from "../../src/data/index.js";
import { Rng } from "../../src/random/rng.js";

let digits: Dataset;
let cacheDir: string;
let network: FeatureNetwork;
const trainLog: string[] = [];

function firstTest(n: number): tf.Tensor4D {
  const { height, width, channels } = digits;
  return tf.tensor4d(digits.test.images.subarray(0, n * height * width * channels), [n, height, width, channels]);
}

async function featureValues(net: FeatureNetwork, n: number): Promise<Float32Array> {
  const x = firstTest(n);
  const f = net.features(x);
  const values = (await f.data()) as Float32Array;
  tf.dispose([x, f]);
  return values;
}

beforeAll(async () => {
  await selectBackend("wasm");
  // Small on purpose: 1,000 train images, 2 epochs (a few seconds); the default is the whole split, 5 epochs.
  digits = await loadDataset("mnist", { seed: 1, trainLimit: 1000, testLimit: 400 });
  cacheDir = mkdtempSync(join(tmpdir(), "aelab-features-"));
  network = await loadOrTrainFeatureNetwork(cacheDir, digits, { seed: 1, epochs: 2, log: (line) => trainLog.push(line) });
});

afterAll(() => {
  network?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("the feature network on labelled digits", () => {
  it("trains on the labels, records its identity and beats chance by far on the test split", () => {
    expect(network.loaded).toBe(false);
    expect(network.identity).toMatchObject({ objective: "classes", seed: 1, epochs: 2, specVersion: FEATURE_NET_SPEC.version });
    expect(network.identity.key).toBe(`${datasetKey(digits)}-f${FEATURE_NET_SPEC.version}-classes-s1-e2`);
    expect(network.identity.testAccuracy).toBeGreaterThan(0.7);
    expect(trainLog[0]).toMatch(/training a conv feature network on mnist \(1000 images, classes, 2 epochs, seed 1\)/);
    const info = JSON.parse(readFileSync(join(network.dir, "features.json"), "utf8"));
    expect(info).toMatchObject({ format: "aelab-features", key: network.identity.key, testAccuracy: network.identity.testAccuracy });
  });

  it("gives the feature layer and every conv block, and leaks no tensor", () => {
    const before = tf.memory().numTensors;
    const x = firstTest(3);
    const f = network.features(x);
    expect(f.shape).toEqual([3, FEATURE_NET_SPEC.features]);
    const blocks = network.blocks(x);
    expect(blocks.map((b) => b.shape)).toEqual([
      [3, 14, 14, 16],
      [3, 7, 7, 32],
      [3, 4, 4, 64],
    ]);
    tf.dispose([x, f, ...blocks]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("is loaded from the cache with the same weights, and the same seed trains the same weights", async () => {
    const again = await loadOrTrainFeatureNetwork(cacheDir, digits, { seed: 1, epochs: 2 });
    const fresh = mkdtempSync(join(tmpdir(), "aelab-features-"));
    const retrained = await loadOrTrainFeatureNetwork(fresh, digits, { seed: 1, epochs: 2 });
    try {
      expect(again.loaded).toBe(true);
      expect(again.identity).toEqual(network.identity);
      const reference = await featureValues(network, 20);
      expect(await featureValues(again, 20)).toEqual(reference);
      expect(retrained.loaded).toBe(false);
      expect(await featureValues(retrained, 20)).toEqual(reference);
    } finally {
      again.dispose();
      retrained.dispose();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("an independently seeded network is another feature space", async () => {
    const other = await loadOrTrainFeatureNetwork(cacheDir, digits, { seed: 2, epochs: 1 });
    try {
      expect(other.identity.key).not.toBe(network.identity.key);
      expect(await featureValues(other, 20)).not.toEqual(await featureValues(network, 20));
    } finally {
      other.dispose();
    }
  });

  it("refuses images of another shape and bad options in one line", async () => {
    const wrong = tf.zeros([2, 14, 14, 1]) as tf.Tensor4D;
    expect(() => network.features(wrong)).toThrow(/images are \[2, 14, 14, 1\] but it takes \[n, 28, 28, 1\]/);
    wrong.dispose();
    await expect(loadOrTrainFeatureNetwork(cacheDir, digits, { seed: 1.5 })).rejects.toThrow(FeatureNetworkError);
    await expect(loadOrTrainFeatureNetwork(cacheDir, digits, { seed: 1, epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
  });
});

describe("unlabelled images", () => {
  it("train the self-supervised flips objective, which beats chance (1 in 4)", async () => {
    const unlabelled: Dataset = { ...digits, labelled: false };
    const log: string[] = [];
    const net = await loadOrTrainFeatureNetwork(cacheDir, unlabelled, { seed: 1, epochs: 2, log: (line) => log.push(line) });
    try {
      expect(net.identity.objective).toBe("flips");
      expect(net.identity.key).toMatch(/-flips-s1-e2$/);
      expect(log[0]).toMatch(/self-supervised: the images have no labels/);
      expect(net.identity.testAccuracy).toBeGreaterThan(0.4);
    } finally {
      net.dispose();
    }
  });

  it("objectiveSplit flips each image as its label says", () => {
    // One 2x3 RGB image, pixel value = 10 * (row * 3 + column) + channel.
    const images = Float32Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
    const split = { images, labels: new Uint8Array(1), count: 1 };
    const shape = { height: 2, width: 3, channels: 3 };
    const pixel = (out: Float32Array, y: number, x: number) => Array.from(out.subarray((y * 3 + x) * 3, (y * 3 + x) * 3 + 3));
    const seen = new Set<number>();
    for (let s = 0; s < 40; s++) {
      const out = objectiveSplit(split, shape, "flips", new Rng(`flip-${s}`));
      const flip = out.labels[0];
      seen.add(flip);
      const fromY = flip >= 2 ? 1 : 0;
      const fromX = flip === 1 || flip === 3 ? 2 : 0;
      expect(pixel(out.images, 0, 0)).toEqual(pixel(images, fromY, fromX));
    }
    expect(seen.size).toBe(FLIPS.length);
    expect(objectiveSplit(split, shape, "classes", new Rng("x"))).toBe(split);
  });
});
