import { describe, expect, it } from "vitest";
import {
  DEFAULT_PUSH_STRENGTHS,
  highFrequencyRatio,
  midGreyShare,
  pixelErrors,
  pushFromHalf,
  pushSweep,
  sharpnessRatio,
  type ImageSet,
} from "../../src/metrics/index.js";
import { binary, boxBlur, makeSet, uniform } from "./images.js";

const row = (...v: number[]): ImageSet => ({ pixels: Float32Array.from(v), count: 1, height: 1, width: v.length, channels: 1 });
const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
const logit = (p: number) => Math.log(p / (1 - p));

/** Greyscale digit-like targets (binary rectangles with soft edges) and blurrier outputs of them. */
function greyPair(): { x: ImageSet; y: ImageSet } {
  const x = boxBlur(binary(6, 28));
  return { x, y: boxBlur(boxBlur(x)) };
}

describe("pushFromHalf", () => {
  it("k = 1 returns the input unchanged, in a new array", () => {
    const rand = uniform(1);
    const y = makeSet(3, 8, 8, () => rand());
    const same = pushFromHalf(y, 1);
    expect(same.pixels).not.toBe(y.pixels);
    expect(same.pixels).toEqual(y.pixels);
    expect({ ...same, pixels: null }).toEqual({ ...y, pixels: null });
  });

  it("equals sigmoid(k logit y) inside (0, 1) and keeps 0, 1/2 and 1 fixed", () => {
    const values = [0.01, 0.2, 0.35, 0.49, 0.51, 0.7, 0.93];
    for (const k of [0.5, 1.5, 2, 5]) {
      const pushed = pushFromHalf(row(...values), k).pixels;
      values.forEach((v, i) => expect(pushed[i]).toBeCloseTo(sigmoid(k * logit(Math.fround(v))), 6));
      expect(Array.from(pushFromHalf(row(0, 0.5, 1), k).pixels)).toEqual([0, 0.5, 1]);
    }
  });

  it("k > 1 moves every pixel away from 1/2, k < 1 toward it, symmetrically, and a huge k thresholds without NaN", () => {
    const y = row(0.1, 0.3, 0.45, 0.55, 0.7, 0.9);
    const pushed = pushFromHalf(y, 3).pixels;
    const pulled = pushFromHalf(y, 0.5).pixels;
    y.pixels.forEach((v, i) => {
      expect(Math.abs(pushed[i] - 0.5)).toBeGreaterThan(Math.abs(v - 0.5));
      expect(Math.abs(pulled[i] - 0.5)).toBeLessThan(Math.abs(v - 0.5));
    });
    expect(pushed[0]).toBeCloseTo(1 - pushed[5], 6);
    expect(pushed[1]).toBeCloseTo(1 - pushed[4], 6);
    expect(Array.from(pushFromHalf(y, 5000).pixels)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it("refuses a k that is not positive and finite, and pixels outside [0, 1]", () => {
    expect(() => pushFromHalf(row(0.5), 0)).toThrow(/pushFromHalf: k must be a positive finite number \(got 0\)/);
    expect(() => pushFromHalf(row(0.5), Infinity)).toThrow(/got Infinity/);
    expect(() => pushFromHalf(row(0.5, -0.1), 2)).toThrow(/pushFromHalf: images must lie in \[0, 1\] \(got -0\.1\d* at index 1\)/);
  });
});

describe("pushSweep", () => {
  it("k = 1 reports the trained outputs' own sharpness ratios, spectrum ratio and MSE against the targets", () => {
    const { x, y } = greyPair();
    const [first] = pushSweep(y, x, [1]);
    const ratio = sharpnessRatio(y, x);
    expect(first).toEqual({
      k: 1,
      gradientRatio: ratio.gradient,
      laplacianRatio: ratio.laplacianVariance,
      highFrequencyRatio: highFrequencyRatio(y, x).ratio,
      mse: pixelErrors(y, x).mse,
      midGreyShare: midGreyShare(y.pixels),
    });
  });

  it("pushing a blurry output away from 1/2 raises its gradient, Laplacian and high-frequency sharpness, step by step", () => {
    const { x, y } = greyPair();
    const rows = pushSweep(y, x);
    expect(rows.map((r) => r.k)).toEqual([...DEFAULT_PUSH_STRENGTHS]);
    expect(rows[0].gradientRatio).toBeLessThan(1);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].gradientRatio).toBeGreaterThan(rows[i - 1].gradientRatio);
      expect(rows[i].laplacianRatio).toBeGreaterThan(rows[i - 1].laplacianRatio);
      expect(rows[i].highFrequencyRatio).toBeGreaterThan(rows[i - 1].highFrequencyRatio);
      expect(rows[i].midGreyShare).toBeLessThanOrEqual(rows[i - 1].midGreyShare);
    }
  });

  it("pushing outputs that equal greyscale targets costs squared error: 0 at k = 1, rising with k", () => {
    const { x } = greyPair();
    const rows = pushSweep(x, x, [1, 2, 4]);
    expect(rows[0].mse).toBe(0);
    expect(rows[0].gradientRatio).toBe(1);
    expect(rows[1].mse).toBeGreaterThan(0);
    expect(rows[2].mse).toBeGreaterThan(rows[1].mse);
  });

  it("refuses an empty list of strengths and mismatched sets", () => {
    const { x, y } = greyPair();
    expect(() => pushSweep(y, x, [])).toThrow(/pushSweep: strengths must list at least one k/);
    expect(() => pushSweep(y, binary(5, 28), [1])).toThrow(/pushSweep: outputs \(6x28x28x1\) and targets \(5x28x28x1\)/);
    expect(() => pushSweep(y, x, [1, -2])).toThrow(/pushFromHalf: k must be a positive finite number \(got -2\)/);
  });
});
