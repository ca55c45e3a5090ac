import tCdf from "@stdlib/stats-base-dists-t-cdf";

/** Mean and sample standard deviation (n - 1 in the denominator); mean NaN for no values, std NaN for fewer than 2. */
export function meanStd(values: number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, std: NaN, n };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** A one-sample t-test of a mean against mu; pairedComparison is this test on the paired differences. */
export interface TTest {
  n: number;
  /** mean - mu (one-sample) or mean of a - b (paired). */
  meanDiff: number;
  /** Sample standard deviation of the values (one-sample) or of the differences (paired). */
  sdDiff: number;
  /** meanDiff / (sdDiff / sqrt(n)). */
  t: number;
  /** n - 1 (0 for n < 2). */
  df: number;
  /** Two-sided p-value from Student's t with df degrees of freedom. */
  p: number;
}

/**
 * The degenerate cases, stated once:
 * - n < 2: no spread can be estimated, so sdDiff, the effect size, t and p are NaN (meanDiff is NaN for n = 0).
 * - sdDiff = 0 and meanDiff = 0 (every difference exactly 0): t, effect size and p are NaN, "no evidence either way".
 * - sdDiff = 0 and meanDiff != 0 (every difference the same non-zero number): t and the effect size are
 *   +-Infinity and p = 0, the limit of the test as the spread goes to 0.
 * NaN among the values makes every field but n NaN.
 */
function tTest(values: number[], mu: number): TTest & { effect: number } {
  const { mean, std, n } = meanStd(values);
  const meanDiff = mean - mu;
  const df = Math.max(n - 1, 0);
  if (n < 2) return { n, meanDiff, sdDiff: NaN, t: NaN, df, p: NaN, effect: NaN };
  if (std === 0) {
    if (meanDiff === 0) return { n, meanDiff, sdDiff: 0, t: NaN, df, p: NaN, effect: NaN };
    const inf = meanDiff > 0 ? Infinity : -Infinity;
    return { n, meanDiff, sdDiff: 0, t: inf, df, p: 0, effect: inf };
  }
  const t = meanDiff / (std / Math.sqrt(n));
  // 2 F(-|t|) rather than 2 (1 - F(|t|)): no cancellation for small p.
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { n, meanDiff, sdDiff: std, t, df, p, effect: meanDiff / std };
}

/**
 * Paired comparison of a and b (a[i] and b[i] from the same seed): the t-test of the differences a - b
 * against 0, and Cohen's d_z = meanDiff / sdDiff (the standardised mean difference of paired data).
 * Positive meanDiff = a larger. See tTest for n < 2 and zero spread.
 */
export function pairedComparison(a: number[], b: number[]): TTest & { cohenDz: number } {
  if (a.length !== b.length) {
    throw new Error(`pairedComparison: a and b must pair up by seed, so have the same length (got ${a.length} and ${b.length})`);
  }
  const { effect, ...test } = tTest(
    a.map((v, i) => v - b[i]),
    0,
  );
  return { ...test, cohenDz: effect };
}

/** One-sample t-test of the mean of values against mu (default 0), with Cohen's d = (mean - mu) / sd. */
export function oneSampleComparison(values: number[], mu = 0): TTest & { cohenD: number } {
  const { effect, ...test } = tTest(values, mu);
  return { ...test, cohenD: effect };
}
