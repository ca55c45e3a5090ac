import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Mean and sample standard deviation (n - 1 in the denominator); mean NaN for no values, std NaN for fewer than 2. */
export function meanStd(values: number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, std: NaN, n };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/**
 * Spread below this share of the measured values' magnitude counts as no spread. Round-off alone leaves
 * ~1e-16 relative (0.1 + 0.2 vs 0.3 gives sd 5.6e-17 and t 9e15, a "certain" result from nothing);
 * seed-to-seed spread of a trained network is many orders above 1e-9.
 */
export const ZERO_SPREAD_TOLERANCE = 1e-9;

/** A one-sample t-test of a mean against mu; pairedComparison is this test on the paired differences. */
export interface TTest {
  n: number;
  /** mean - mu (one-sample) or mean of a - b (paired). */
  meanDiff: number;
  /** Sample standard deviation of the values (one-sample) or of the differences (paired). */
  sdDiff: number;
  /** Standard error of meanDiff, sdDiff / sqrt(n). */
  se: number;
  /** meanDiff / se. */
  t: number;
  /** n - 1 (0 for n < 2). */
  df: number;
  /** Two-sided p-value from Student's t with df degrees of freedom. */
  p: number;
  /** sdDiff is within ZERO_SPREAD_TOLERANCE of 0: no test, no interval (t, p and the effect size are NaN). */
  zeroSpread: boolean;
}

/**
 * The degenerate cases, stated once for every test built on this one:
 * - n < 2: no spread can be estimated, so sdDiff, se, the effect size, t and p are NaN (meanDiff is NaN for n = 0).
 * - zero spread (sdDiff <= ZERO_SPREAD_TOLERANCE x the largest |value| measured): t, the effect size and p
 *   are NaN whatever meanDiff is. The same number in every seed says nothing about how much it varies,
 *   so it is neither "no evidence" nor "certain".
 * NaN among the values makes every field but n NaN.
 */
function tTest(values: number[], mu: number, scale: number): TTest & { effect: number } {
  const { mean, std, n } = meanStd(values);
  const meanDiff = mean - mu;
  const df = Math.max(n - 1, 0);
  if (n < 2) return { n, meanDiff, sdDiff: NaN, se: NaN, t: NaN, df, p: NaN, zeroSpread: false, effect: NaN };
  const se = std / Math.sqrt(n);
  if (std <= ZERO_SPREAD_TOLERANCE * scale) return { n, meanDiff, sdDiff: std, se, t: NaN, df, p: NaN, zeroSpread: true, effect: NaN };
  const t = meanDiff / se;
  // 2 F(-|t|) rather than 2 (1 - F(|t|)): no cancellation for small p.
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { n, meanDiff, sdDiff: std, se, t, df, p, zeroSpread: false, effect: meanDiff / std };
}

const largestMagnitude = (...lists: number[][]) => lists.reduce((m, list) => list.reduce((a, v) => Math.max(a, Math.abs(v)), m), 0);

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
    largestMagnitude(a, b),
  );
  return { ...test, cohenDz: effect };
}

/** One-sample t-test of the mean of values against mu (default 0), with Cohen's d = (mean - mu) / sd. */
export function oneSampleComparison(values: number[], mu = 0): TTest & { cohenD: number } {
  const { effect, ...test } = tTest(values, mu, largestMagnitude(values, [mu]));
  return { ...test, cohenD: effect };
}

/** A two-sided confidence interval for meanDiff: meanDiff +- t(1 - (1 - level) / 2, df) se; NaN bounds where the test is NaN. */
export function confidenceInterval(test: TTest, level = 0.95): { lo: number; hi: number; level: number } {
  if (!(level > 0 && level < 1)) throw new Error(`confidenceInterval: level must be in (0, 1) (got ${level})`);
  if (test.df < 1 || test.zeroSpread || !Number.isFinite(test.se)) return { lo: NaN, hi: NaN, level };
  const half = tQuantile(1 - (1 - level) / 2, test.df) * test.se;
  return { lo: test.meanDiff - half, hi: test.meanDiff + half, level };
}

/** Two one-sided tests of |true difference| < bound. */
export interface EquivalenceTest {
  bound: number;
  /** H0: difference <= -bound, rejected for a large (meanDiff + bound) / se. */
  pLower: number;
  /** H0: difference >= +bound, rejected for a small (meanDiff - bound) / se. */
  pUpper: number;
  /** max(pLower, pUpper): both must reject. p < alpha is the same as the (1 - 2 alpha) interval lying inside (-bound, +bound). */
  p: number;
}

/**
 * The equivalence test (TOST, Schuirmann 1987) of the same t statistic: is the difference smaller than
 * `bound` either way? NaN where the t-test is (n < 2, zero spread, NaN values).
 */
export function equivalenceTest(test: TTest, bound: number): EquivalenceTest {
  if (!(bound > 0)) throw new Error(`equivalenceTest: bound must be > 0 (got ${bound})`);
  if (!Number.isFinite(test.t)) return { bound, pLower: NaN, pUpper: NaN, p: NaN };
  const pLower = tCdf(-(test.meanDiff + bound) / test.se, test.df);
  const pUpper = tCdf((test.meanDiff - bound) / test.se, test.df);
  return { bound, pLower, pUpper, p: Math.max(pLower, pUpper) };
}
