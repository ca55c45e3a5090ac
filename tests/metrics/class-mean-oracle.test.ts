import { describe, expect, it } from "vitest";
import { loadDataset, unitFloats, type Split } from "../../src/data/index.js";
import { classMeanOracle, classMeans, pullTowardHalf, reliability, signedError, type ImageSet } from "../../src/metrics/index.js";
import { uniform } from "./images.js";

const f32 = (...v: number[]) => Float32Array.from(v);
const u8 = (...v: number[]) => Uint8Array.from(v);

/**
 * `count` binary images of `shape`, in 3 classes whose pixels are on with class-specific probabilities (a "digit"
 * per class): the conditional mean E[x | label] is that probability map.
 */
function bernoulliClasses(count: number, shape: { height: number; width: number; channels: number }, seed: number): Split {
  const rand = uniform(seed);
  const perImage = shape.height * shape.width * shape.channels;
  const maps = [0, 1, 2].map(() => Array.from({ length: perImage }, () => rand()));
  const images = new Float32Array(count * perImage);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = Math.floor(rand() * 3);
    for (let i = 0; i < perImage; i++) images[n * perImage + i] = rand() < maps[labels[n]][i] ? 1 : 0;
  }
  return { images, labels, count };
}

const asSet = (split: Split, shape: { height: number; width: number; channels: number }): ImageSet => ({
  pixels: unitFloats(split.images),
  count: split.count,
  ...shape,
});

describe("classMeans", () => {
  it("averages each label's training images, by hand", () => {
    // 1x2 images: class 0 = {[0, 0.2], [0.4, 0.6]}, class 2 = {[1, 0.5]}; class 1 has none.
    const train: Split = { images: f32(0, 0.2, 1, 0.5, 0.4, 0.6), labels: u8(0, 2, 0), count: 3 };
    const { means, counts } = classMeans(train, { height: 1, width: 2, channels: 1 });
    expect(counts).toEqual([2, 0, 1]);
    expect(means[0]).toBeCloseTo(0.2, 6);
    expect(means[1]).toBeCloseTo(0.4, 6);
    expect(means[2]).toBeNaN();
    expect(means[3]).toBeNaN();
    expect(Array.from(means.subarray(4))).toEqual([1, 0.5]);
  });
});

describe("classMeanOracle", () => {
  const shape = { height: 4, width: 5, channels: 1 };

  it("predicts every test image by its class's mean training image, in the test split's shape", () => {
    const train: Split = { images: f32(0, 0.2, 1, 0.5, 0.4, 0.6), labels: u8(0, 2, 0), count: 3 };
    const test: Split = { images: f32(0.9, 0.9, 0.1, 0.1, 0.3, 0.3), labels: u8(2, 0, 2), count: 3 };
    const oracle = classMeanOracle(train, test, { height: 1, width: 2, channels: 1 });
    expect([oracle.count, oracle.height, oracle.width, oracle.channels]).toEqual([3, 1, 2, 1]);
    expect(Array.from(oracle.pixels)).toEqual([1, 0.5, Math.fround(0.2), Math.fround(0.4), 1, 0.5]);
  });

  it("handles colour images: each channel has its own mean", () => {
    const rgb = { height: 1, width: 1, channels: 3 };
    const train: Split = { images: f32(0, 0.5, 1, 1, 0.5, 0), labels: u8(4, 4), count: 2 };
    const test: Split = { images: f32(0, 0, 0), labels: u8(4), count: 1 };
    expect(Array.from(classMeanOracle(train, test, rgb).pixels)).toEqual([0.5, 0.5, 0.5]);
  });

  it("is a conditional-mean model: on its own training split its reliability diagram is flat at 0, while target-side measures are not", () => {
    const train = bernoulliClasses(300, shape, 1);
    const oracle = classMeanOracle(train, train, shape);
    const x = asSet(train, shape);
    const r = reliability(oracle, x);
    // Exactly 0 up to float32 rounding of the means: within a class and pixel, the targets average to the output.
    expect(Math.abs(r.pull)).toBeLessThan(1e-6);
    for (const b of r.bins.filter((b) => b.count > 0)) expect(Math.abs(b.conditionalBias)).toBeLessThan(1e-6);
    expect(Math.abs(signedError(oracle, x))).toBeLessThan(1e-6);
    // Selecting pixels on their target, or comparing distances from 1/2, calls the same model biased.
    expect(signedError(oracle, x, { minTarget: 0 })).toBeLessThan(-0.2);
    expect(pullTowardHalf(oracle, x)).toBeLessThan(-0.2);
  });

  it("on the embedded MNIST digits the oracle's reliability pull is ~0 while the target-side measures are strongly negative", async () => {
    const data = await loadDataset("mnist", { seed: 1 });
    const digits = { height: data.height, width: data.width, channels: data.channels };
    const oracle = classMeanOracle(data.train, data.test, digits);
    const x = asSet(data.test, digits);
    const r = reliability(oracle, x);
    // Estimating the means from 8,334 training digits leaves the held-out pull well under 1/50 of the target-side one.
    expect(Math.abs(r.pull)).toBeLessThan(0.003);
    expect(r.meanAbsBias).toBeLessThan(0.003);
    expect(pullTowardHalf(oracle, x)).toBeLessThan(-0.05);
    expect(signedError(oracle, x, { minTarget: 0 })).toBeLessThan(-0.2);
  });

  it("refuses a test label no training image has, and splits that do not match the shape, naming the field", () => {
    const train: Split = { images: f32(0, 1), labels: u8(0, 1), count: 2 };
    const one = { height: 1, width: 1, channels: 1 };
    expect(() => classMeanOracle(train, { images: f32(0.5, 0.5), labels: u8(1, 3), count: 2 }, one)).toThrow(
      /classMeanOracle: test image 1 has label 3, which no training image has/,
    );
    expect(() => classMeanOracle(train, { images: f32(0.5), labels: u8(1, 1), count: 2 }, one)).toThrow(
      /classMeanOracle: test\.images has 1 values but count x height x width x channels = 2/,
    );
    expect(() => classMeanOracle({ ...train, labels: u8(0) }, { images: f32(0.5), labels: u8(0), count: 1 }, one)).toThrow(
      /classMeanOracle: train\.labels has 1 labels for 2 images/,
    );
    expect(() => classMeanOracle(train, train, { height: 0, width: 1, channels: 1 })).toThrow(
      /classMeanOracle: shape\.height must be a positive integer \(got 0\)/,
    );
  });
});
