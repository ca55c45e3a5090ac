import { describe, expect, it } from "vitest";
import { intensityHistogram, midGreyShare, pullTowardHalf, signedError, signedErrorByIntensity, wasserstein1 } from "../../src/metrics/index.js";
import { binary, constant, makeSet, uniform } from "./images.js";

const f32 = (...v: number[]) => Float32Array.from(v);

/** W1 as the integral of |Q_a(u) - Q_b(u)| over u in (0, 1), summed over the pieces where both quantiles are constant. */
function quantileW1(a: number[], b: number[]): number {
  const sa = [...a].sort((p, q) => p - q);
  const sb = [...b].sort((p, q) => p - q);
  const breaks = [...new Set([...sa.map((_, i) => (i + 1) / sa.length), ...sb.map((_, i) => (i + 1) / sb.length)])].sort((p, q) => p - q);
  let total = 0;
  let prev = 0;
  for (const u of breaks) {
    const mid = (prev + u) / 2;
    total += Math.abs(sa[Math.floor(mid * sa.length)] - sb[Math.floor(mid * sb.length)]) * (u - prev);
    prev = u;
  }
  return total;
}

describe("pullTowardHalf and midGreyShare", () => {
  it("identical images: no pull", () => {
    const x = binary(2, 28);
    expect(pullTowardHalf(x, x)).toBe(0);
  });

  it("a constant 0.5 output against binary targets is pulled by -0.5; the reverse pushes by +0.5", () => {
    expect(pullTowardHalf(constant(2, 28, 28, 0.5), binary(2, 28))).toBe(-0.5);
    expect(pullTowardHalf(binary(2, 28), constant(2, 28, 28, 0.5))).toBe(0.5);
  });

  it("midGreyShare: all of a 0.5 image, none of a binary one, bounds excluded", () => {
    expect(midGreyShare(constant(1, 28, 28, 0.5).pixels)).toBe(1);
    expect(midGreyShare(binary(1, 28).pixels)).toBe(0);
    expect(midGreyShare(f32(0.1, 0.5, 0.9, 0.95))).toBe(0.25);
    expect(midGreyShare(f32(0.25, 0.5, 0.75, 0), 0.25, 0.75)).toBe(0.25);
    expect(midGreyShare(f32())).toBeNaN();
  });
});

describe("signedErrorByIntensity", () => {
  it("puts the error where it was made, by target intensity", () => {
    // Targets cycle through 0.05 (bin 0), 0.35 (bin 3), 0.95 and 1 (bin 9); outputs are 0.1 too bright on the
    // 0.35 pixels and 0.2 too dark on the 0.95 ones.
    const values = [0.05, 0.35, 0.95, 1];
    const targets = makeSet(3, 4, 4, (_n, r, c) => values[(r * 4 + c) % 4]);
    const outputs = { ...targets, pixels: targets.pixels.map((v) => (v === Math.fround(0.35) ? v + 0.1 : v === Math.fround(0.95) ? v - 0.2 : v)) };
    const bins = signedErrorByIntensity(outputs, targets);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([12, 0, 0, 12, 0, 0, 0, 0, 0, 24]);
    expect(bins[3].meanSignedError).toBeCloseTo(0.1, 6);
    expect(bins[3].meanAbsError).toBeCloseTo(0.1, 6);
    expect(bins[0].meanSignedError).toBe(0);
    expect(bins[9].meanSignedError).toBeCloseTo(-0.1, 6);
    expect(bins[9].meanAbsError).toBeCloseTo(0.1, 6);
    expect(bins[1].meanSignedError).toBeNaN();
    expect(bins[1].meanAbsError).toBeNaN();
    expect(bins[3].lo).toBeCloseTo(0.3, 12);
    expect(bins[3].hi).toBeCloseTo(0.4, 12);
    expect(bins[9].hi).toBe(1);
  });

  it("bins edges at the pixels' float32 precision: a target stored as 0.7 belongs to [0.7, 0.8)", () => {
    const t = makeSet(1, 1, 3, (_, __, c) => [0.7, 0.2, 0.6][c]);
    const bins = signedErrorByIntensity(t, t);
    expect(bins[7].count).toBe(1);
    expect(bins[2].count).toBe(1);
    expect(bins[6].count).toBe(1);
  });

  it("refuses targets outside [0, 1]", () => {
    const t = constant(1, 2, 2, 1.5);
    expect(() => signedErrorByIntensity(t, t)).toThrow(/\[0, 1\]/);
  });
});

describe("signedError", () => {
  it("over all pixels, or only over the strokes (target > 0)", () => {
    const targets = binary(2, 28);
    const outputs = { ...targets, pixels: targets.pixels.map((v) => (v > 0 ? 0.7 : 0.2)) };
    const strokes = targets.pixels.filter((v) => v > 0).length;
    const all = targets.pixels.length;
    expect(signedError(outputs, targets)).toBeCloseTo(((all - strokes) * 0.2 - strokes * 0.3) / all, 6);
    expect(signedError(outputs, targets, { minTarget: 0 })).toBeCloseTo(-0.3, 6);
    expect(signedError(outputs, targets, { minTarget: 1 })).toBeNaN();
  });
});

describe("intensityHistogram", () => {
  it("counts equal bins over [0, 1], the last closed, and drops what is outside or NaN", () => {
    const h = intensityHistogram(f32(0, 0.05, 0.5, 1, 1, 1.5, -0.1, NaN));
    expect(h.edges).toHaveLength(21);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[20]).toBe(1);
    expect(h.edges[1]).toBeCloseTo(0.05, 12);
    const expected = new Array(20).fill(0);
    expected[0] = 1;
    expected[1] = 1;
    expected[10] = 1;
    expected[19] = 2;
    expect(h.counts).toEqual(expected);
  });

  it("takes a bin count and a range", () => {
    expect(intensityHistogram(f32(-1, 0, 0.5, 2), 3, [-1, 2])).toEqual({ edges: [-1, 0, 1, 2], counts: [1, 2, 1] });
  });
});

describe("wasserstein1", () => {
  it("is 0 between a sample and itself, and the shift between a sample and its shifted copy", () => {
    const u = uniform(5);
    const a = Float32Array.from({ length: 500 }, () => 0.7 * u());
    expect(wasserstein1(a, a)).toBe(0);
    expect(
      wasserstein1(
        a,
        a.map((v) => v + 0.25),
      ),
    ).toBeCloseTo(0.25, 6);
    expect(wasserstein1(f32(0), f32(0.5))).toBe(0.5);
  });

  it("unequal sizes by hand: [0, 1] vs [0, 0.5, 1] = 1/6, [0] vs [0, 1] = 1/2; symmetric", () => {
    expect(wasserstein1(f32(0, 1), f32(0, 0.5, 1))).toBeCloseTo(1 / 6, 12);
    expect(wasserstein1(f32(0.5, 0, 1), f32(1, 0))).toBeCloseTo(1 / 6, 12);
    expect(wasserstein1(f32(0), f32(0, 1))).toBe(0.5);
  });

  it("agrees with the quantile-function integral on random samples of different sizes and ties", () => {
    const u = uniform(9);
    const a = Array.from({ length: 37 }, () => Math.round(10 * u()) / 10);
    const b = Array.from({ length: 23 }, () => u());
    expect(wasserstein1(Float32Array.from(a), Float32Array.from(b))).toBeCloseTo(quantileW1([...Float32Array.from(a)], [...Float32Array.from(b)]), 12);
  });

  it("refuses an empty sample", () => {
    expect(() => wasserstein1(f32(), f32(1))).toThrow(/non-empty/);
  });
});
