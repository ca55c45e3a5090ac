import { describe, expect, it } from "vitest";
import { pullTowardHalf, reliability, type ImageSet } from "../../src/metrics/index.js";
import { makeSet, uniform } from "./images.js";

/** 64 images of 28x28: 50,176 pixels, each with its own probability p. */
const COUNT = 64;
const SIZE = 28;
const PIXELS = COUNT * SIZE * SIZE;

/**
 * Targets drawn around per-pixel probabilities p ~ U(lo, hi), and outputs y = predict(p). "bernoulli" targets are 0
 * or 1 with mean p (binary digits); "uniform" targets are greyscale, uniform on [p - w, p + w] with w = min(p, 1 - p),
 * so also of mean p and inside [0, 1].
 */
function synthetic(seed: number, kind: "bernoulli" | "uniform", predict: (p: number) => number, lo = 0, hi = 1): { y: ImageSet; x: ImageSet } {
  const rand = uniform(seed);
  const p = Array.from({ length: PIXELS }, () => lo + (hi - lo) * rand());
  const draw = (q: number) => {
    const u = rand();
    if (kind === "bernoulli") return u < q ? 1 : 0;
    const w = Math.min(q, 1 - q);
    return q - w + 2 * w * u;
  };
  const at = (n: number, r: number, c: number) => (n * SIZE + r) * SIZE + c;
  const x = makeSet(COUNT, SIZE, SIZE, (n, r, c) => draw(p[at(n, r, c)]));
  const y = makeSet(COUNT, SIZE, SIZE, (n, r, c) => predict(p[at(n, r, c)]));
  return { y, x };
}

/**
 * Tolerances from the sampling error. Given y, each term sign(y - 1/2)(y - x) has variance Var(x | p) <= 1/4, so the
 * pull's sd is at most 0.5 / sqrt(N) = 0.0022 here: 4 sd = 2 / sqrt(N) = 0.0089. A bin's bias has the standard error
 * the function reports; 4 of them.
 */
const PULL_TOLERANCE = 2 / Math.sqrt(PIXELS);

describe("reliability", () => {
  it("bins by the OUTPUT and reports count, means and the conditional bias by hand", () => {
    // Outputs 0.15 (bin 1) and 0.85 (bin 8); targets 0 or 1 around them.
    const y = Float32Array.from([0.15, 0.15, 0.15, 0.85, 0.85, 0.85]);
    const x = Float32Array.from([0, 0, 1, 1, 1, 0]);
    const set = (pixels: Float32Array): ImageSet => ({ pixels, count: 1, height: 1, width: 6, channels: 1 });
    const r = reliability(set(y), set(x));
    expect(r.bins).toHaveLength(10);
    expect(r.count).toBe(6);
    expect(r.bins.map((b) => b.count)).toEqual([0, 3, 0, 0, 0, 0, 0, 0, 3, 0]);
    expect(r.bins[1].meanOutput).toBeCloseTo(0.15, 6);
    expect(r.bins[1].meanTarget).toBeCloseTo(1 / 3, 12);
    expect(r.bins[1].conditionalBias).toBeCloseTo(1 / 3 - 0.15, 6);
    expect(r.bins[8].conditionalBias).toBeCloseTo(2 / 3 - 0.85, 6);
    // x - y in bin 1 is {-0.15, -0.15, 0.85}: sample sd sqrt(1/3), standard error 1/3.
    expect(r.bins[1].standardError).toBeCloseTo(1 / 3, 6);
    expect(r.meanAbsBias).toBeCloseTo(0.5 * Math.abs(1 / 3 - 0.15) + 0.5 * Math.abs(2 / 3 - 0.85), 6);
    // pull = mean sign(y - 1/2)(y - x): (-1)(0.15 - 1/3) over bin 1 and (+1)(0.85 - 2/3) over bin 8, halved.
    expect(r.pull).toBeCloseTo(0.5 * (1 / 3 - 0.15) + 0.5 * (0.85 - 2 / 3), 6);
    expect(r.bins[0].meanOutput).toBeNaN();
    expect(r.bins[0].conditionalBias).toBeNaN();
    expect(r.bins[0].standardError).toBeNaN();
    expect(r.bins[9].hi).toBe(1);
  });

  it("a conditional-mean predictor of binary targets (y = p, x ~ Bernoulli(p)) scores ~0 within sampling error", () => {
    const { y, x } = synthetic(11, "bernoulli", (p) => p);
    const r = reliability(y, x);
    expect(Math.abs(r.pull)).toBeLessThan(PULL_TOLERANCE);
    for (const b of r.bins) {
      expect(b.count).toBeGreaterThan(4000);
      expect(Math.abs(b.conditionalBias)).toBeLessThan(4 * b.standardError);
    }
    // The calibration error's floor: each |bias| has mean <= its standard error.
    const floor = r.bins.reduce((s, b) => s + (b.count / r.count) * b.standardError, 0);
    expect(r.meanAbsBias).toBeLessThan(2 * floor);
    // The target-side pull calls this unbiased predictor pulled toward 1/2 (it is: a mean is closer to 1/2 than 0/1).
    expect(pullTowardHalf(y, x)).toBeLessThan(-0.2);
  });

  it("a conditional-mean predictor of greyscale targets also scores ~0", () => {
    const { y, x } = synthetic(12, "uniform", (p) => p);
    const r = reliability(y, x);
    expect(Math.abs(r.pull)).toBeLessThan(PULL_TOLERANCE);
    for (const b of r.bins) expect(Math.abs(b.conditionalBias)).toBeLessThan(4 * b.standardError);
  });

  it("a predictor shrunk toward 1/2 (y = 1/2 + 0.8 (p - 1/2)) scores a clear negative pull", () => {
    // E[x - y | y] = p - y = 0.25 (y - 1/2); pull = -0.25 E|y - 1/2| = -0.2 E|p - 1/2| = -0.05.
    for (const kind of ["bernoulli", "uniform"] as const) {
      const { y, x } = synthetic(13, kind, (p) => 0.5 + 0.8 * (p - 0.5));
      const r = reliability(y, x);
      expect(Math.abs(r.pull + 0.05)).toBeLessThan(PULL_TOLERANCE);
      for (const b of r.bins.filter((b) => b.count > 0)) {
        expect(Math.abs(b.conditionalBias - 0.25 * (b.meanOutput - 0.5))).toBeLessThan(4 * b.standardError);
      }
      // Below 1/2 the data are darker than the output, above it brighter.
      expect(r.bins[1].conditionalBias).toBeLessThan(0);
      expect(r.bins[8].conditionalBias).toBeGreaterThan(0);
      expect(r.meanAbsBias).toBeGreaterThan(0.04);
    }
  });

  it("a predictor pushed away from 1/2 (y = 1/2 + 1.25 (p - 1/2), p in [0.1, 0.9]) has the opposite sign", () => {
    // E[x - y | y] = -0.2 (y - 1/2); pull = +0.25 E|p - 1/2| = +0.05 for p ~ U(0.1, 0.9).
    const { y, x } = synthetic(14, "bernoulli", (p) => 0.5 + 1.25 * (p - 0.5), 0.1, 0.9);
    const r = reliability(y, x);
    expect(Math.abs(r.pull - 0.05)).toBeLessThan(PULL_TOLERANCE);
    expect(r.bins[1].conditionalBias).toBeGreaterThan(0);
    expect(r.bins[8].conditionalBias).toBeLessThan(0);
  });

  it("bins edges at float32 precision and honours the bin count", () => {
    const t = makeSet(1, 1, 3, (_, __, c) => [0.7, 0.2, 1][c]);
    const r = reliability(t, t, 10);
    expect(r.bins[7].count).toBe(1);
    expect(r.bins[2].count).toBe(1);
    expect(r.bins[9].count).toBe(1);
    expect(r.pull).toBe(0);
    expect(r.meanAbsBias).toBe(0);
    const four = reliability(t, t, 4);
    expect(four.bins.map((b) => b.count)).toEqual([1, 0, 1, 1]);
    expect(four.bins[2].lo).toBe(0.5);
  });

  it("refuses pixels outside [0, 1], a bad bin count and mismatched shapes, naming the field", () => {
    const ok = makeSet(1, 2, 2, () => 0.5);
    const bad = makeSet(1, 2, 2, () => 1.5);
    expect(() => reliability(bad, ok)).toThrow(/reliability: outputs must lie in \[0, 1\] \(got 1\.5 at index 0\)/);
    expect(() => reliability(ok, bad)).toThrow(/reliability: targets must lie in \[0, 1\]/);
    expect(() =>
      reliability(
        makeSet(1, 2, 2, () => NaN),
        ok,
      ),
    ).toThrow(/outputs must lie in \[0, 1\] \(got NaN/);
    expect(() => reliability(ok, ok, 0)).toThrow(/reliability: bins must be a positive integer \(got 0\)/);
    expect(() =>
      reliability(
        ok,
        makeSet(1, 2, 3, () => 0.5),
      ),
    ).toThrow(/reliability: outputs \(1x2x2x1\) and targets \(1x2x3x1\)/);
  });
});
