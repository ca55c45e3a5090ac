import { describe, expect, it } from "vitest";
import { histogramProto } from "../../src/tensorboard/histogram.js";

/** What TensorBoard's data_compat makes of a HistogramProto: [left, right, count] per bucket. */
function asTensorBoardBuckets(h: { min: number; max: number; bucketLimit: number[]; bucket: number[] }) {
  const inner = h.bucketLimit.slice(0, -1);
  const lefts = [h.min, ...inner];
  const rights = [...inner, h.max];
  return h.bucket.map((count, i) => [lefts[i]!, rights[i]!, count] as const);
}

/** Bucket of v by comparing against the edges alone: the count of interior edges <= v. */
function bruteForceCounts(values: number[], low: number, high: number, n: number): number[] {
  const edges = Array.from({ length: n + 1 }, (_, k) => (k === n ? high : low + ((high - low) * k) / n));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, edges.slice(1, n).filter((e) => e <= v).length)]++;
  return counts;
}

describe("histogramProto", () => {
  it("buckets over the values' own [min, max] with right edges and every statistic", () => {
    expect(histogramProto("h", [0, 1, 2, 3, 4], { buckets: 4 })).toEqual({
      min: 0,
      max: 4,
      num: 5,
      sum: 10,
      sumSquares: 30,
      bucketLimit: [1, 2, 3, 4],
      bucket: [1, 1, 1, 2], // 4 == max falls in the last, closed bucket
    });
  });

  it("uses 30 buckets by default, TensorFlow 2's default", () => {
    const h = histogramProto(
      "h",
      Array.from({ length: 300 }, (_, i) => i),
    );
    expect(h.bucket).toHaveLength(30);
    expect(h.bucket.every((c) => c === 10)).toBe(true);
    expect(h.bucketLimit[29]).toBe(299);
  });

  it("keeps a fixed range's grid and trims empty buckets at both ends only", () => {
    const h = histogramProto("pixels", [0.25, 0.35, 0.35, 0.95], { range: [0, 1], buckets: 10 });
    expect(h).toMatchObject({ min: 0.25, max: 0.95, num: 4 });
    expect(h.bucketLimit).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(h.bucket).toEqual([1, 2, 0, 0, 0, 0, 0, 1]);
    expect(h.sum).toBeCloseTo(1.9, 12);
    expect(h.sumSquares).toBeCloseTo(0.0625 + 2 * 0.1225 + 0.9025, 12);
    // Input and output histograms with the same range share edges, whatever their data.
    const other = histogramProto("recon", [0.05, 0.31], { range: [0, 1], buckets: 10 });
    expect(other.bucketLimit).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(other.bucket).toEqual([1, 0, 0, 1]);
  });

  it("never gives TensorBoard's conversion a bucket with left > right", () => {
    const cases = [
      histogramProto("a", [0.42, 0.43, 0.6], { range: [0, 1], buckets: 30 }),
      histogramProto("b", [-3, 0.5, 7], { range: [0, 1], buckets: 5 }),
      histogramProto("c", [1, 1, 1]),
      histogramProto("d", [2, 3], { range: [0, 10], buckets: 10 }),
    ];
    for (const h of cases) {
      const buckets = asTensorBoardBuckets(h);
      for (const [left, right] of buckets) expect(left).toBeLessThanOrEqual(right);
      expect(buckets.reduce((sum, [, , c]) => sum + c, 0)).toBe(h.num);
    }
  });

  it("counts values outside a given range in the outermost buckets, min and max still exact", () => {
    const h = histogramProto("h", [-0.5, 0.5, 2], { range: [0, 1], buckets: 2 });
    expect(h).toEqual({ min: -0.5, max: 2, num: 3, sum: 2, sumSquares: 4.5, bucketLimit: [0.5, 1], bucket: [1, 2] });
  });

  it("writes one zero-width bucket for constant values", () => {
    expect(histogramProto("h", [3, 3, 3])).toEqual({ min: 3, max: 3, num: 3, sum: 9, sumSquares: 27, bucketLimit: [3], bucket: [3] });
  });

  it("puts a value on an edge in the bucket to its right, exactly as the stored edges say", () => {
    const values = Array.from({ length: 11 }, (_, k) => k / 10);
    const h = histogramProto("h", values, { range: [0, 1], buckets: 10 });
    expect(h.bucket).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    // Random data, awkward ranges: the fast index always agrees with comparing against edges.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [low, high, n] of [
      [-1.7, 3.3, 7],
      [0, 0.3, 3],
      [1e-9, 1e-8, 13],
      [-100, 100, 30],
    ] as const) {
      const data = Array.from({ length: 500 }, () => low + (high - low) * random());
      data.push(...Array.from({ length: n + 1 }, (_, k) => (k === n ? high : low + ((high - low) * k) / n)));
      const full = bruteForceCounts(data, low, high, n);
      const got = histogramProto("h", data, { range: [low, high], buckets: n });
      const first = full.findIndex((c) => c > 0);
      const last = full.length - 1 - [...full].reverse().findIndex((c) => c > 0);
      expect(got.bucket).toEqual(full.slice(first, last + 1));
    }
  });

  it("accepts a Float32Array", () => {
    const h = histogramProto("h", Float32Array.from([0.5, 0.25]), { buckets: 1 });
    expect(h).toEqual({ min: 0.25, max: 0.5, num: 2, sum: 0.75, sumSquares: 0.3125, bucketLimit: [0.5], bucket: [2] });
  });

  it("rejects what cannot be bucketed, naming the tag", () => {
    expect(() => histogramProto("w", [])).toThrow(/histogram "w": no values/);
    expect(() => histogramProto("w", [1, NaN])).toThrow(/values\[1\] is NaN/);
    expect(() => histogramProto("w", [Infinity])).toThrow(/values\[0\] is Infinity/);
    expect(() => histogramProto("w", [1], { buckets: 0 })).toThrow(/buckets must be an integer/);
    expect(() => histogramProto("w", [1], { buckets: 2.5 })).toThrow(/buckets must be an integer/);
    expect(() => histogramProto("w", [1], { buckets: 1e6 })).toThrow(/buckets must be an integer in 1\.\.10000/);
    expect(() => histogramProto("w", [1], { range: [1, 1] })).toThrow(/low < high/);
    expect(() => histogramProto("w", [1], { range: [NaN, 1] })).toThrow(/low < high/);
  });
});
