import { describe, expect, it } from "vitest";
import { featureStats, frechetDistance, frechetDistanceFromStats } from "../../src/metrics/frechet.js";
import { Rng } from "../../src/random/rng.js";

/** Standardised offsets: mean 0 and sample variance (n-1 denominator) exactly 1. */
const Z3 = [-1, 0, 1];
const Z2 = [-Math.SQRT1_2, Math.SQRT1_2];

function gaussianRows(n: number, dims: number, rng: Rng, scale: (j: number) => number = () => 1): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, (_, j) => {
      // Box-Muller: a normal draw from two uniforms.
      const u = 1 - rng.next();
      return scale(j) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    }),
  );
}

describe("featureStats", () => {
  it("uses the n-1 denominator", () => {
    const s = featureStats([
      [0, 1],
      [2, 5],
    ]);
    expect(Array.from(s.mean)).toEqual([1, 3]);
    // x: (1 + 1) / 1 = 2; y: (4 + 4) / 1 = 8; cov: ((-1)(-2) + (1)(2)) / 1 = 4
    expect(Array.from(s.covariance)).toEqual([2, 4, 4, 8]);
  });

  it("rejects sets a covariance cannot be fitted to, with a message naming the problem", () => {
    expect(() => featureStats([[1, 2]])).toThrow(/at least 2 rows/);
    expect(() => featureStats([[1, 2], [1]])).toThrow(/row 1 has 1 features, row 0 has 2/);
    expect(() =>
      featureStats([
        [1, NaN],
        [1, 2],
      ]),
    ).toThrow(/row 0, feature 1 is NaN/);
  });
});

describe("frechetDistance", () => {
  it("is 0 for identical sets, also with a constant (dead) feature that makes the covariance singular", () => {
    const rows = gaussianRows(50, 4, new Rng("fd-identical"));
    expect(frechetDistance(rows, rows)).toBeCloseTo(0, 10);
    const dead = rows.map((r) => [...r, 0]);
    expect(frechetDistance(dead, dead)).toBeCloseTo(0, 10);
  });

  it("is (mu1 - mu2)^2 + (s1 - s2)^2 for two 1-D Gaussians", () => {
    const [mu1, s1, mu2, s2] = [0.5, 2, -1, 0.5];
    const a = Z3.map((z) => [mu1 + s1 * z]);
    const b = Z2.map((z) => [mu2 + s2 * z]);
    expect(frechetDistance(a, b)).toBeCloseTo((mu1 - mu2) ** 2 + (s1 - s2) ** 2, 12);
  });

  it("uses sample covariances (n-1): {0, 2} against {1, 1, 1} is 2, not the 1 of a population variance", () => {
    expect(frechetDistance([[0], [2]], [[1], [1], [1]])).toBeCloseTo(2, 12);
  });

  it("matches the hand computation for diagonal covariances in 2-D", () => {
    // The four corners (+-sx, +-sy) have mean 0, no correlation and variances 4/3 sx^2, 4/3 sy^2.
    const corners = (mx: number, my: number, sx: number, sy: number) =>
      [
        [-1, -1],
        [-1, 1],
        [1, -1],
        [1, 1],
      ].map(([u, v]) => [mx + u * sx, my + v * sy]);
    const a = corners(0, 0, 1, 3);
    const b = corners(1, 2, 2, 0.5);
    // |dmu|^2 + sum over axes (sqrt(va) - sqrt(vb))^2, sqrt(v) = sqrt(4/3) s
    const expected = 1 + 4 + (4 / 3) * ((1 - 2) ** 2 + (3 - 0.5) ** 2);
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
  });

  it("matches the closed form for correlated 2-D covariances: Tr((AB)^1/2) = sqrt(Tr(AB) + 2 sqrt(det A det B))", () => {
    const rng = new Rng("fd-2d");
    const a = gaussianRows(40, 2, rng).map(([x, y]) => [x + 0.8 * y, 0.5 * y]);
    const b = gaussianRows(60, 2, rng).map(([x, y]) => [2 + x, 1 - 1.5 * x + 0.3 * y]);
    const sa = featureStats(a);
    const sb = featureStats(b);
    const [a11, a12, , a22] = sa.covariance;
    const [b11, b12, , b22] = sb.covariance;
    const trAB = a11 * b11 + 2 * a12 * b12 + a22 * b22;
    const det = (a11 * a22 - a12 * a12) * (b11 * b22 - b12 * b12);
    const meanTerm = (sa.mean[0] - sb.mean[0]) ** 2 + (sa.mean[1] - sb.mean[1]) ** 2;
    const expected = meanTerm + a11 + a22 + b11 + b22 - 2 * Math.sqrt(trAB + 2 * Math.sqrt(det));
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
  });

  it("is symmetric in its arguments and agrees with frechetDistanceFromStats", () => {
    const rng = new Rng("fd-symmetric");
    const a = gaussianRows(80, 6, rng);
    const b = gaussianRows(120, 6, rng, (j) => 1 + j / 3).map((r) => r.map((v, j) => v + (j % 2)));
    const ab = frechetDistance(a, b);
    expect(ab).toBeGreaterThan(1);
    expect(frechetDistance(b, a)).toBeCloseTo(ab, 10);
    expect(frechetDistanceFromStats(featureStats(a), featureStats(b))).toBe(ab);
  });

  it("takes Float64Array rows, as featuresOf returns them", () => {
    const a = Z3.map((z) => Float64Array.of(z, 2 * z));
    const b = Z3.map((z) => Float64Array.of(z + 1, 2 * z));
    expect(frechetDistance(a, b)).toBeCloseTo(1, 12);
  });

  it("rejects feature sets of different widths", () => {
    expect(() =>
      frechetDistance(
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [2]],
      ),
    ).toThrow(/differ in width: 2 and 1/);
  });
});
