import { describe, expect, it } from "vitest";
import { confidenceInterval, equivalenceTest, oneSampleComparison, pairedComparison, ZERO_SPREAD_TOLERANCE } from "../../src/metrics/stats.js";
import { Rng } from "../../src/random/rng.js";

/** Student's t CDF for df 2 in closed form: F(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
const cdfDf2 = (t: number) => 0.5 + t / (2 * Math.sqrt(2 + t * t));

describe("confidenceInterval", () => {
  it("differences [1, 2, 3] by hand: 2 -+ t(0.975, 2) / sqrt(3), with t(0.975, 2) = 4.302653", () => {
    const ci = confidenceInterval(oneSampleComparison([1, 2, 3]));
    const half = 4.302652729911275 / Math.sqrt(3);
    expect(ci.lo).toBeCloseTo(2 - half, 9);
    expect(ci.hi).toBeCloseTo(2 + half, 9);
    // The interval's edge is exactly where the test's p crosses 0.05.
    expect(oneSampleComparison([1, 2, 3], ci.lo).p).toBeCloseTo(0.05, 9);
    const ci90 = confidenceInterval(oneSampleComparison([1, 2, 3]), 0.9);
    expect(ci90.hi - 2).toBeCloseTo(2.919985580355516 / Math.sqrt(3), 9);
  });

  it("covers the true mean 95% of the time (3 normal samples, 4000 repetitions)", () => {
    const rng = new Rng("ci-coverage");
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const trueMean = 0.7;
    let covered = 0;
    const reps = 4000;
    for (let i = 0; i < reps; i++) {
      const ci = confidenceInterval(oneSampleComparison([0, 1, 2].map(() => trueMean + 2 * normal())));
      if (ci.lo <= trueMean && trueMean <= ci.hi) covered++;
    }
    // Binomial sd of the share: sqrt(0.95 x 0.05 / 4000) = 0.0034; 3 sd either side.
    expect(Math.abs(covered / reps - 0.95)).toBeLessThan(0.0104);
  });

  it("is NaN where no spread can be estimated", () => {
    expect(confidenceInterval(oneSampleComparison([2])).lo).toBeNaN();
    expect(confidenceInterval(pairedComparison([1, 2, 3], [0, 1, 2])).hi).toBeNaN();
  });
});

describe("equivalenceTest (two one-sided tests)", () => {
  it("differences [1, 2, 3] against a bound of 3 by hand: p = F((2 - 3) / (1 / sqrt 3)) = 0.1127", () => {
    const r = equivalenceTest(oneSampleComparison([1, 2, 3]), 3);
    const se = 1 / Math.sqrt(3);
    expect(r.pUpper).toBeCloseTo(cdfDf2((2 - 3) / se), 12);
    expect(r.pLower).toBeCloseTo(cdfDf2(-(2 + 3) / se), 12);
    expect(r.p).toBeCloseTo(0.5 - Math.sqrt(3) / (2 * Math.sqrt(5)), 12);
  });

  it("rejects exactly when the 90% interval lies inside (-bound, +bound)", () => {
    const cases = [
      [0.01, 0.012, 0.011, 0.009],
      [0.02, -0.01, 0.03, 0.005],
      [-0.001, 0.0005, 0.0002],
      [0.1, 0.12, 0.09],
    ];
    for (const diffs of cases) {
      const test = oneSampleComparison(diffs);
      const ci = confidenceInterval(test, 0.9);
      for (const bound of [0.005, 0.02, 0.05, 0.2]) {
        expect(equivalenceTest(test, bound).p < 0.05, `${diffs} within ±${bound}`).toBe(ci.lo > -bound && ci.hi < bound);
      }
    }
  });

  it("a tiny, tightly measured difference is equivalent; a large one is not; no spread gives NaN", () => {
    expect(equivalenceTest(pairedComparison([0.5017, 0.502, 0.5014], [0.5, 0.5, 0.5]), 0.01).p).toBeLessThan(0.01);
    expect(equivalenceTest(pairedComparison([0.8, 0.81, 0.79], [0.9, 0.92, 0.89]), 0.05).p).toBeGreaterThan(0.99);
    expect(equivalenceTest(pairedComparison([1, 2, 3], [0, 1, 2]), 0.5).p).toBeNaN();
    expect(() => equivalenceTest(oneSampleComparison([1, 2]), 0)).toThrow(/bound must be > 0/);
  });
});

describe("zero spread: one rule, with a tolerance", () => {
  it("differences equal up to rounding are no spread, not p = 1e-32", () => {
    const r = pairedComparison([0.1 + 0.2, 0.3, 0.7 - 0.4], [0, 0, 0]);
    expect(r.sdDiff).toBeGreaterThan(0);
    expect(r.zeroSpread).toBe(true);
    expect(r.p).toBeNaN();
  });

  it("the one-sample test follows the same rule, scaled by the values and mu", () => {
    expect(oneSampleComparison([0.3, 0.1 + 0.2, 0.3]).zeroSpread).toBe(true);
    expect(oneSampleComparison([0.3, 0.1 + 0.2, 0.3]).p).toBeNaN();
    expect(oneSampleComparison([1e6, 1e6 + 1e-4, 1e6], 0).zeroSpread).toBe(true);
    // A real spread well above the tolerance is tested as before.
    const small = oneSampleComparison([1e-6, 2e-6, 3e-6]);
    expect(small.zeroSpread).toBe(false);
    expect(small.p).toBeGreaterThan(0);
    expect(ZERO_SPREAD_TOLERANCE).toBeLessThan(1e-6);
  });
});
