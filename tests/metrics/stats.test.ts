import { describe, expect, it } from "vitest";
import { meanStd, oneSampleComparison, pairedComparison } from "../../src/metrics/index.js";

/** Two-sided p-values in closed form: df 1 is the Cauchy distribution; df 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
const pDf1 = (t: number) => 1 - (2 / Math.PI) * Math.atan(Math.abs(t));
const pDf2 = (t: number) => 1 - Math.abs(t) / Math.sqrt(2 + t * t);

describe("meanStd", () => {
  it("mean and sample (n - 1) standard deviation", () => {
    const r = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.n).toBe(8);
    expect(r.mean).toBe(5);
    expect(r.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it("std is NaN for one value, both are NaN for none", () => {
    expect(meanStd([3])).toEqual({ mean: 3, std: NaN, n: 1 });
    expect(meanStd([])).toEqual({ mean: NaN, std: NaN, n: 0 });
  });
});

describe("pairedComparison", () => {
  it("differences [1, 2, 3] by hand: mean 2, sd 1, d_z 2, t = 2 sqrt(3), df 2", () => {
    const r = pairedComparison([11, 12, 13], [10, 10, 10]);
    expect(r.n).toBe(3);
    expect(r.meanDiff).toBeCloseTo(2, 12);
    expect(r.sdDiff).toBeCloseTo(1, 12);
    expect(r.cohenDz).toBeCloseTo(2, 12);
    expect(r.t).toBeCloseTo(2 * Math.sqrt(3), 12);
    expect(r.df).toBe(2);
    expect(r.p).toBeCloseTo(pDf2(2 * Math.sqrt(3)), 10);
    expect(r.p).toBeCloseTo(0.0742, 4);
  });

  it("t-table critical values give p = 0.05 (df 2: 4.303; df 4: 2.776) and p = 0.01 (df 10: 3.169)", () => {
    // Differences m + s * z with z of mean 0 and sd 1, so t = m sqrt(n) exactly by construction.
    const withT = (t: number, n: number) => {
      const z = Array.from({ length: n }, (_, i) => i - (n - 1) / 2);
      const sd = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / (n - 1));
      const m = t / Math.sqrt(n);
      return pairedComparison(
        z.map((v) => m + v / sd),
        new Array(n).fill(0),
      );
    };
    expect(withT(4.303, 3).t).toBeCloseTo(4.303, 9);
    expect(withT(4.303, 3).p).toBeCloseTo(0.05, 4);
    expect(withT(2.776, 5).p).toBeCloseTo(0.05, 4);
    expect(withT(3.169, 11).p).toBeCloseTo(0.01, 4);
    expect(withT(-3.169, 11).p).toBeCloseTo(0.01, 4);
    expect(withT(-3.169, 11).t).toBeLessThan(0);
  });

  it("df 1 matches the Cauchy distribution", () => {
    // Differences [1, 4]: mean 2.5, sd 1.5 sqrt(2), standard error 1.5.
    const r = pairedComparison([1, 4], [0, 0]);
    expect(r.t).toBeCloseTo(2.5 / 1.5, 12);
    expect(r.p).toBeCloseTo(pDf1(r.t), 10);
  });

  it("keeps tiny p-values accurate (no 1 - F cancellation)", () => {
    const r = pairedComparison([10.1, 10.2, 10.0, 10.15, 10.05, 10.12], [0, 0, 0, 0, 0, 0]);
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(1e-8);
  });

  it("degenerate cases: no spread, too few pairs, mismatched lengths", () => {
    const same = pairedComparison([1, 2, 3], [1, 2, 3]);
    expect(same).toMatchObject({ n: 3, meanDiff: 0, sdDiff: 0, df: 2 });
    expect(same.t).toBeNaN();
    expect(same.p).toBeNaN();
    expect(same.cohenDz).toBeNaN();
    // The same non-zero difference in every seed: no spread to test against, so no test (not p = 0).
    const shifted = pairedComparison([1, 2, 3], [0, 1, 2]);
    expect(shifted).toMatchObject({ meanDiff: 1, sdDiff: 0, zeroSpread: true });
    expect(shifted.t).toBeNaN();
    expect(shifted.p).toBeNaN();
    expect(shifted.cohenDz).toBeNaN();
    expect(pairedComparison([0, 1], [1, 2]).p).toBeNaN();
    const one = pairedComparison([2], [1]);
    expect(one).toMatchObject({ n: 1, meanDiff: 1, df: 0 });
    expect(one.p).toBeNaN();
    expect(one.sdDiff).toBeNaN();
    expect(() => pairedComparison([1, 2], [1])).toThrow(/same length/);
  });
});

describe("oneSampleComparison", () => {
  it("is the paired test of the values against mu, with Cohen's d = (mean - mu) / sd", () => {
    const r = oneSampleComparison([1, 2, 3]);
    expect(r).toMatchObject({ n: 3, df: 2 });
    expect(r.cohenD).toBeCloseTo(2, 12);
    expect(r.p).toBeCloseTo(pDf2(2 * Math.sqrt(3)), 10);
    const atMean = oneSampleComparison([1, 2, 3], 2);
    expect(atMean.t).toBe(0);
    expect(atMean.p).toBeCloseTo(1, 12);
    expect(oneSampleComparison([1, 2, 3], 3).cohenD).toBeCloseTo(-1, 12);
    const { cohenDz, ...paired } = pairedComparison([5, 9, 4, 7], [1, 2, 3, 1]);
    const { cohenD, ...single } = oneSampleComparison([4, 7, 1, 6]);
    expect(single).toEqual(paired);
    expect(cohenD).toBe(cohenDz);
  });
});
