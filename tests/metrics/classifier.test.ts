import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadDataset, unitFloats, type Dataset } from "../../src/data/index.js";
import { shiftImages } from "../../src/data/index.js";
import { ClassifierError, classifierAccuracy, datasetKey, featuresOf, loadOrTrainClassifier, type FeatureClassifier } from "../../src/metrics/classifier.js";
import { frechetDistance } from "../../src/metrics/frechet.js";
import { Rng } from "../../src/random/rng.js";

let mnist: Dataset;
let cacheDir: string;
let classifier: FeatureClassifier;
let trainLog: string[];
let _baseline: number;

/** The first `n` test images as a tensor, and their labels. */
function testImages(n: number): { x: tf.Tensor4D; labels: Uint8Array } {
  const { height, width, channels } = mnist;
  const pixels = mnist.test.images.subarray(0, n * height * width * channels);
  return { x: tf.tensor4d(pixels, [n, height, width, channels]), labels: mnist.test.labels.slice(0, n) };
}

async function weightsOf(c: FeatureClassifier): Promise<Float32Array[]> {
  return Promise.all(c.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

beforeAll(async () => {
  await selectBackend("wasm");
  mnist = await loadDataset("mnist", { seed: 1 });
  cacheDir = mkdtempSync(join(tmpdir(), "aelab-classifier-"));
  _baseline = tf.memory().numTensors;
  trainLog = [];
  // The one real training of the file (about 8-15 s on 2 cores); later tests load it from the cache.
  classifier = await loadOrTrainClassifier(cacheDir, mnist, { log: (line) => trainLog.push(line) });
});

afterAll(() => {
  classifier?.dispose();
});

describe("loadOrTrainClassifier on the embedded MNIST", () => {
  it("trains once and reaches > 95% test accuracy", () => {
    expect(classifier.loaded).toBe(false);
    expect(trainLog[0]).toMatch(/^classifier: training 784-256-64-10 on mnist \(8334 images, 8 epochs, seed 1\)/);
    expect(trainLog.at(-1)).toMatch(/trained in .* s, test accuracy .*%, saved to /);
    expect(classifier.testAccuracy).toBeGreaterThan(0.95);
    expect(classifier.key).toBe(`${datasetKey(mnist)}-v1-s1-e8`);
    const info = JSON.parse(readFileSync(join(classifier.dir, "classifier.json"), "utf8"));
    expect(info).toMatchObject({ key: classifier.key, datasetKey: datasetKey(mnist), seed: 1, epochs: 8, testAccuracy: classifier.testAccuracy });
    expect(info.spec).toMatchObject({ version: 1, hidden: [256, 64] });
    // Saved in the LayersModel format by saveCheckpoint.
    const modelJson = JSON.parse(readFileSync(join(classifier.dir, "checkpoint", "classifier", "model.json"), "utf8"));
    expect(modelJson.format).toBe("layers-model");
  });

  it("classifierAccuracy on the test split equals testAccuracy, and falls to chance with wrong labels", () => {
    const before = tf.memory().numTensors;
    const { x, labels } = testImages(mnist.test.count);
    expect(classifierAccuracy(classifier, x, labels, 300)).toBeCloseTo(classifier.testAccuracy, 12);
    const wrong = labels.map((l) => (l + 1) % 10);
    expect(classifierAccuracy(classifier, x, wrong)).toBeLessThan(0.05);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives features [n, 64] and logits [n, 10]; featuresOf reads pixels or tensors alike; another batch size gives the same features within 1e-5 relative", () => {
    const before = tf.memory().numTensors;
    const { x } = testImages(70);
    const features = classifier.features(x);
    const logits = classifier.logits(x);
    expect(features.shape).toEqual([70, 64]);
    expect(logits.shape).toEqual([70, 10]);
    const fromTensor = featuresOf(classifier, x, undefined, 32);
    expect(fromTensor).toHaveLength(70);
    expect(fromTensor[0]).toBeInstanceOf(Float64Array);
    expect(fromTensor[69]).toHaveLength(64);
    // Another batch size runs the kernels on other shapes, whose sums OpenBLAS may split otherwise (its AVX2
    // kernels do, its AVX-512 ones did not here): the same features to float32 rounding, not bit for bit.
    const whole = features.arraySync();
    let worst = 0;
    for (let i = 0; i < 70; i++)
      for (let j = 0; j < 64; j++) worst = Math.max(worst, Math.abs(fromTensor[i][j] - whole[i][j]) / Math.max(1, Math.abs(whole[i][j])));
    expect(worst).toBeLessThan(1e-5);
    const fromPixels = featuresOf(classifier, unitFloats(mnist.test.images, 0, 70 * 784), { height: 28, width: 28, channels: 1 });
    expect(fromPixels).toEqual(whole.map((row) => Float64Array.from(row))); // one batch of 70, as `features` ran
    tf.dispose([x, features, logits]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects images of another shape with a message naming both shapes", () => {
    const x = tf.zeros([2, 14, 14, 1]) as tf.Tensor4D;
    expect(() => featuresOf(classifier, x)).toThrow(ClassifierError);
    expect(() => featuresOf(classifier, x)).toThrow(/images are 14x14x1 but the classifier takes 28x28x1/);
    expect(() => classifier.logits(x)).toThrow(/\[2, 14, 14, 1\]/);
    expect(() => featuresOf(classifier, new Float32Array(785))).toThrow(/785 pixels are not a whole number/);
    x.dispose();
  });

  it("loads from the cache on a second call (no training) and gives identical features; numTensors returns to baseline", async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const again = await loadOrTrainClassifier(cacheDir, mnist, { log: (line) => lines.push(line) });
    expect(again.loaded).toBe(true);
    expect(lines).toEqual([`classifier: loaded from ${classifier.dir}, test accuracy ${(classifier.testAccuracy * 100).toFixed(2)}%`]);
    expect(again.dir).toBe(classifier.dir);
    expect(again.testAccuracy).toBe(classifier.testAccuracy);
    const pixels = unitFloats(mnist.test.images, 0, 200 * 784);
    const a = featuresOf(classifier, pixels);
    const b = featuresOf(again, pixels);
    expect(b).toEqual(a);
    expect(frechetDistance(a, b)).toBe(0);
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("puts faded digits much further from real ones, in Frechet distance, than real digits from real digits", () => {
    const real = featuresOf(classifier, unitFloats(mnist.test.images, 0, 500 * 784));
    const otherReal = featuresOf(classifier, unitFloats(mnist.train.images, 0, 500 * 784));
    const faded = new Float32Array(unitFloats(mnist.test.images, 0, 500 * 784)).map((v) => 0.3 + 0.4 * v);
    const degraded = featuresOf(classifier, faded);
    expect(frechetDistance(real, degraded)).toBeGreaterThan(5 * frechetDistance(real, otherReal));
  });
});

describe("the classifier cache key", () => {
  it("differs for a limited copy and for another split of the same size, and a limited copy trains its own classifier", async () => {
    const limited = await loadDataset("mnist", { seed: 1, trainLimit: 600 });
    const otherSplit = await loadDataset("mnist", { seed: 2 });
    const keys = new Set([datasetKey(mnist), datasetKey(limited), datasetKey(otherSplit)]);
    expect(keys.size).toBe(3);
    expect(datasetKey(limited)).toMatch(/^mnist-28x28x1-n600-[0-9a-f]{12}$/);
    // Same train split, different test split: the same classifier (the key covers what it learnt from).
    expect(datasetKey(await loadDataset("mnist", { seed: 1, testLimit: 100 }))).toBe(datasetKey(mnist));

    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const small = await loadOrTrainClassifier(cacheDir, limited, { epochs: 1, log: (line) => lines.push(line) });
    expect(small.loaded).toBe(false);
    expect(lines[0]).toMatch(/training .* \(600 images, 1 epochs/);
    expect(small.dir).not.toBe(classifier.dir);
    small.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("training determinism and cache robustness (a 600-image copy, 1 epoch)", () => {
  let limited: Dataset;
  beforeAll(async () => {
    limited = await loadDataset("mnist", { seed: 1, trainLimit: 600, testLimit: 200 });
  });

  it("gives identical weights for the same seed and different ones for another seed", async () => {
    const before = tf.memory().numTensors;
    const train = (seed: number) => loadOrTrainClassifier(mkdtempSync(join(tmpdir(), "aelab-classifier-det-")), limited, { seed, epochs: 1 });
    const [a, b, c] = [await train(7), await train(7), await train(8)];
    expect([a.loaded, b.loaded, c.loaded]).toEqual([false, false, false]);
    const [wa, wb, wc] = await Promise.all([weightsOf(a), weightsOf(b), weightsOf(c)]);
    expect(wb).toEqual(wa);
    expect(wc[0]).not.toEqual(wa[0]);
    expect(c.key).not.toBe(a.key);
    [a, b, c].forEach((x) => x.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it("retrains and replaces a damaged cache entry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-classifier-damaged-"));
    const first = await loadOrTrainClassifier(dir, limited, { epochs: 1 });
    const weights = await weightsOf(first);
    first.dispose();
    writeFileSync(join(first.dir, "checkpoint", "classifier", "weights.bin"), new Uint8Array(10));
    const lines: string[] = [];
    const second = await loadOrTrainClassifier(dir, limited, { epochs: 1, log: (line) => lines.push(line) });
    expect(second.loaded).toBe(false);
    expect(lines[0]).toMatch(/cache entry .* is unusable \(.*weights.*\); training a new one/);
    expect(await weightsOf(second)).toEqual(weights);
    second.dispose();
    const third = await loadOrTrainClassifier(dir, limited, { epochs: 1 });
    expect(third.loaded).toBe(true);
    third.dispose();
  });

  it("gives a dataset with more than 10 labels one output per label, in its own cache entry", async () => {
    const more: Dataset = { ...limited, train: { ...limited.train, labels: limited.train.labels.map((l, i) => (i === 3 ? 12 : l)) } };
    const dir = mkdtempSync(join(tmpdir(), "aelab-classifier-classes-"));
    const wide = await loadOrTrainClassifier(dir, more, { epochs: 1 });
    const ten = await loadOrTrainClassifier(dir, limited, { epochs: 1 });
    try {
      const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
      const [a, b] = [wide.logits(x), ten.logits(x)];
      expect(a.shape).toEqual([2, 13]);
      expect(b.shape).toEqual([2, 10]);
      tf.dispose([x, a, b]);
      expect(wide.key).toMatch(/-c13-/);
      expect(ten.key).not.toMatch(/-c\d+-/);
    } finally {
      wide.model.dispose();
      ten.model.dispose();
    }
  });

  it("refuses an unlabelled dataset and bad options before training", async () => {
    await expect(loadOrTrainClassifier(cacheDir, { ...limited, labelled: false })).rejects.toThrow(/the images have no labels/);
    await expect(loadOrTrainClassifier(cacheDir, limited, { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
  });
});

describe("shiftImages", () => {
  it("moves each image by at most maxShift pixels per axis, zero-filled, and covers every shift", () => {
    // 3x3 images, each a single lit centre pixel: after a shift the lit pixel sits at centre + (dy, dx).
    const n = 200;
    const images = new Float32Array(n * 9);
    for (let i = 0; i < n; i++) images[i * 9 + 4] = 1;
    const shifted = shiftImages({ images, labels: new Uint8Array(n), count: n }, { height: 3, width: 3, channels: 1 }, 1, new Rng("shift"));
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const img = Array.from(shifted.images.subarray(i * 9, (i + 1) * 9));
      expect(img.reduce((s, v) => s + v, 0)).toBe(1);
      seen.add(img.indexOf(1));
    }
    expect(seen.size).toBe(9);
    expect(shiftImages({ images, labels: new Uint8Array(n), count: n }, { height: 3, width: 3, channels: 1 }, 0, new Rng("shift")).images).toBe(images);
  });

  it("keeps channels together when shifting", () => {
    // One 2x2 RGB image, pixel (0,0) = (1,2,3): a shift of (0,+1) puts it at (0,1).
    const images = Float32Array.of(1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const rng = new Rng("rgb");
    for (let k = 0; k < 20; k++) {
      const out = shiftImages({ images, labels: new Uint8Array(1), count: 1 }, { height: 2, width: 2, channels: 3 }, 1, rng).images;
      const at = out.indexOf(1);
      if (at >= 0) expect(Array.from(out.subarray(at, at + 3))).toEqual([1, 2, 3]);
      expect(out.reduce((s, v) => s + v, 0)).toBe(at >= 0 ? 6 : 0);
    }
  });
});
