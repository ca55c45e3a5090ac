import { describe, expect, it } from "vitest";
import { kernelInceptionDistance, polynomialMmd2, sampleSubset } from "../../src/metrics/index.js";
import { Rng } from "../../src/random/rng.js";

function gaussianRows(n: number, dims: number, rng: Rng, shift = 0): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, () => shift + Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())),
  );
}

describe("polynomialMmd2", () => {
  it("is the unbiased MMD^2 with (x.y / F + 1)^3: {0, 1} against {1, 2} in 1-D is 1 + 27 - 18.5", () => {
    // k(0,1) = 1 twice over 2 ordered pairs: 1; k(1,2) = 27: 27; across: (1 + 1 + 8 + 27) * 2 / 4 = 18.5.
    expect(polynomialMmd2([[0], [1]], [[1], [2]])).toBeCloseTo(9.5, 12);
  });

  it("divides the dot product by the width F: rows (1, 1) give (2 / 2 + 1)^3 = 8", () => {
    // Within each set k = 8; across k((1,1), (0,0)) = 1: 8 + 1 - 2 * 1 = 7.
    expect(
      polynomialMmd2(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    ).toBeCloseTo(7, 12);
  });

  it("takes sets of different sizes (n (n - 1) and m (m - 1) denominators)", () => {
    // x = {0, 0, 0}: 6 pairs of k = 1 over 6; y = {1, 1}: 2 pairs of 8 over 2; across all 1: 1 + 8 - 2 = 7.
    expect(polynomialMmd2([[0], [0], [0]], [[1], [1]])).toBeCloseTo(7, 12);
  });
});

describe("kernelInceptionDistance", () => {
  it("with sets no larger than a subset, every subset is the whole sets: mean = polynomialMmd2, std 0", () => {
    const kid = kernelInceptionDistance([[0], [0]], [[1], [1]]);
    expect(kid).toMatchObject({ mean: 7, std: 0, subsets: 100, subsetSize: 2 });
    const rng = new Rng("kid-whole");
    const a = gaussianRows(30, 4, rng);
    const b = gaussianRows(40, 4, rng, 0.5);
    const whole = kernelInceptionDistance(a, b, { subsets: 5 });
    expect(whole.subsetSize).toBe(30);
    // Each subset of b is 30 of its 40 rows, so only a's side is whole; with b cut to 30 rows both are.
    const bothWhole = kernelInceptionDistance(a, b.slice(0, 30), { subsets: 3 });
    for (const v of bothWhole.perSubset) expect(v).toBeCloseTo(polynomialMmd2(a, b.slice(0, 30)), 10);
    expect(bothWhole.std).toBeLessThan(1e-12);
  });

  it("each subset's value is polynomialMmd2 of the rows sampleSubset draws, first set then second, from the seed", () => {
    const rng = new Rng("kid-subsets");
    const a = gaussianRows(60, 5, rng);
    const b = gaussianRows(50, 5, rng, 0.3);
    for (const subsets of [4, 1]) {
      // subsets: 1 computes its one subset afresh, 4 from kernel values cached for all rows: both agree.
      const kid = kernelInceptionDistance(a, b, { subsets, subsetSize: 7, seed: "s" });
      const replay = new Rng("s");
      kid.perSubset.forEach((value) => {
        const ia = sampleSubset(replay, 60, 7);
        const ib = sampleSubset(replay, 50, 7);
        const expected = polynomialMmd2(
          Array.from(ia, (i) => a[i]),
          Array.from(ib, (i) => b[i]),
        );
        expect(value).toBeCloseTo(expected, 12);
      });
      const mean = kid.perSubset.reduce((s, v) => s + v, 0) / subsets;
      expect(kid.mean).toBeCloseTo(mean, 14);
      expect(kid.std).toBeCloseTo(Math.sqrt(kid.perSubset.reduce((s, v) => s + (v - mean) ** 2, 0) / subsets), 14);
    }
  });

  it("is deterministic for a seed, and another seed draws other subsets", () => {
    const rng = new Rng("kid-seed");
    const a = gaussianRows(80, 3, rng);
    const b = gaussianRows(80, 3, rng, 0.2);
    const options = { subsets: 10, subsetSize: 20 };
    expect(kernelInceptionDistance(a, b, { ...options, seed: 1 })).toEqual(kernelInceptionDistance(a, b, { ...options, seed: 1 }));
    expect(kernelInceptionDistance(a, b, { ...options, seed: 2 }).mean).not.toBe(kernelInceptionDistance(a, b, { ...options, seed: 1 }).mean);
  });

  it("is near 0 for two samples of one distribution and clearly positive for a shifted one", () => {
    const rng = new Rng("kid-shift");
    const a = gaussianRows(200, 8, rng);
    const same = gaussianRows(200, 8, rng);
    const shifted = gaussianRows(200, 8, rng, 1);
    const near = kernelInceptionDistance(a, same, { subsets: 20, subsetSize: 100 });
    const far = kernelInceptionDistance(a, shifted, { subsets: 20, subsetSize: 100 });
    expect(Math.abs(near.mean)).toBeLessThan(3 * near.std + 0.05);
    expect(far.mean).toBeGreaterThan(10 * Math.abs(near.mean));
    expect(far.mean).toBeGreaterThan(5 * far.std);
  });

  it("rejects what it cannot estimate, with a line naming the problem", () => {
    expect(() => kernelInceptionDistance([[1]], [[1], [2]])).toThrow("kernelInceptionDistance: at least 2 rows needed in the first feature set (got 1)");
    expect(() =>
      kernelInceptionDistance(
        [[1], [2]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow("kernelInceptionDistance: feature sets differ in width: 1 and 2 features");
    expect(() => kernelInceptionDistance([[1], [NaN]], [[1], [2]])).toThrow("kernelInceptionDistance: first feature set, row 1, feature 0 is NaN");
    expect(() => kernelInceptionDistance([[1], [2]], [[1], [2]], { subsets: 0 })).toThrow(/subsets must be a positive integer \(got 0\)/);
    expect(() => kernelInceptionDistance([[1], [2]], [[1], [2]], { subsetSize: 1 })).toThrow(/subsetSize must be an integer >= 2 \(got 1\)/);
  });
});

describe("sampleSubset", () => {
  it("draws distinct indices in range; m = n is a permutation", () => {
    const rng = new Rng("subset");
    const s = sampleSubset(rng, 100, 30);
    expect(new Set(s).size).toBe(30);
    expect(Math.max(...s)).toBeLessThan(100);
    expect(Array.from(sampleSubset(rng, 10, 10)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("draws every index about equally often", () => {
    const rng = new Rng("subset-uniform");
    const counts = new Array(10).fill(0);
    for (let t = 0; t < 5000; t++) for (const i of sampleSubset(rng, 10, 3)) counts[i]++;
    // 1500 expected each; the binomial sd is about 32.
    for (const c of counts) expect(Math.abs(c - 1500)).toBeLessThan(150);
  });
});
