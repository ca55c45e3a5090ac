import type { HistogramProto } from "./proto.js";

export interface HistogramOptions {
  /** Number of equal-width buckets over the range; default 30, TensorFlow 2's default. */
  buckets?: number;
  /**
   * Fixed [low, high] for the bucket grid, e.g. [0, 1] for pixel intensities: every step and
   * every tag logged with the same range shares the same bucket edges, so an input histogram
   * and a reconstruction histogram line up bucket for bucket. Values outside are counted in the
   * outermost bucket (min/max still report them). Default: the values' own [min, max].
   */
  range?: [number, number];
}

export const DEFAULT_BUCKETS = 30;
// A typo'd bucket count (1e6) would make each record megabytes; TensorBoard redraws at ~30 anyway.
export const MAX_BUCKETS = 10_000;

/**
 * Summarizes values as a HistogramProto over `buckets` fixed-width buckets.
 *
 * Bucket i of the grid holds [edge(i), edge(i+1)), the last one also its right edge, as
 * numpy.histogram does; `bucket_limit` stores right edges only. Leading and trailing empty
 * buckets are trimmed, so the first stored bucket holds the minimum and the last the maximum.
 * That matters because TensorBoard turns a HistogramProto into [left, right, count] triples
 * with left = min for the first bucket and right = max for the last one
 * (data_compat.py, and data_compat.rs in the Rust data server): an empty edge bucket would
 * come out with left > right. Interior empty buckets are kept.
 */
export function histogramProto(tag: string, values: ArrayLike<number>, options: HistogramOptions = {}): HistogramProto {
  const count = values.length;
  if (count === 0) throw new RangeError(`histogram "${tag}": no values to summarize`);
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new RangeError(`histogram "${tag}": buckets must be an integer in 1..${MAX_BUCKETS} (got ${buckets})`);
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      // NaN has no bucket, and one Infinity would make every bucket infinitely wide.
      throw new RangeError(`histogram "${tag}": values[${i}] is ${v}; only finite numbers can be bucketed`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }

  let low: number;
  let high: number;
  if (options.range) {
    [low, high] = options.range;
    if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
      throw new RangeError(`histogram "${tag}": range must be two finite numbers with low < high (got [${low}, ${high}])`);
    }
  } else if (min === max) {
    // All values equal: one bucket of zero width, as tf.summary.histogram writes for a constant.
    return { min, max, num: count, sum, sumSquares, bucketLimit: [max], bucket: [count] };
  } else {
    low = min;
    high = max;
  }

  // Edges from low + (high - low) * k / n, not by adding a width n times: the last edge is
  // exactly `high` and no rounding error accumulates.
  const edges = Float64Array.from({ length: buckets + 1 }, (_, k) => (k === buckets ? high : low + ((high - low) * k) / buckets));
  const counts = new Float64Array(buckets);
  const scale = buckets / (high - low);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    let b = Math.floor((v - low) * scale);
    if (b < 0) b = 0;
    if (b > buckets - 1) b = buckets - 1;
    // The division can land one bucket off next to an edge; the stored edges are the truth.
    while (b > 0 && v < edges[b]) b--;
    while (b < buckets - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }

  let first = 0;
  while (counts[first] === 0) first++;
  let last = buckets - 1;
  while (counts[last] === 0) last--;
  return {
    min,
    max,
    num: count,
    sum,
    sumSquares,
    bucketLimit: Array.from(edges.subarray(first + 1, last + 2)),
    bucket: Array.from(counts.subarray(first, last + 1)),
  };
}
