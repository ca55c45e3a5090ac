import { confidenceInterval, equivalenceTest, type TTest } from "../metrics/stats.js";
import { holmAdjust } from "../metrics/holm.js";
import { formatNumber, formatP, formatPercent } from "./format.js";
import { decide, type Claimed, type Outcome } from "./verdict.js";

/**
 * What a row is for. Only "evidence" rows (an experiment file's tallied ones) decide their claim, enter its
 * tally and the Holm family; the others are shown with what their numbers say, under their own label.
 */
export type Role = "evidence" | "control" | "manipulation check" | "descriptive" | "reference" | "fails to reconstruct" | "baseline fails to reconstruct";

export type Verdict = Outcome | "holds" | "fails" | "not measured" | Exclude<Role, "evidence">;

/** Which networks and which data a measured row's groups share. */
export interface Scope {
  networks: string;
  dataset: string;
}

/** One row of the verdict table: a claim, what was compared, the effect, the tests and what the numbers say. */
export interface VerdictRow {
  claim: string;
  comparison: string;
  metric: string;
  role: Role;
  /** Why a row that is not evidence is shown anyway. */
  note?: string;
  /** The smallest effect of interest, in the metric's units ("-" for analytic rows). */
  sesoi: string;
  effect: string;
  /** The difference test, raw and Holm-adjusted p. */
  test: string;
  /** The equivalence test (two one-sided tests against the smallest effect of interest). */
  equivalence: string;
  /** For evidence rows the outcome; for the others their role (they are not tallied). */
  verdict: Verdict;
  /** What the numbers say, for every measured row (for rows outside the tally: difference or not). */
  outcome?: string;
  /** The p-values behind the row: raw, and Holm-adjusted for evidence rows (NaN where not tested). */
  p?: { difference: number; equivalence: number; differenceAdjusted?: number; equivalenceAdjusted?: number };
  /** The networks and data the row's groups share (measured rows only). */
  scope?: Scope;
  /** In an experiment on several datasets: whether the same comparison reaches the same verdict on each (dataset-agreement.ts). */
  acrossDatasets?: string;
}

/** Significance level of every test in the table (after Holm's adjustment for evidence rows). */
export const ALPHA = 0.05;

/** Confidence level of the effects' intervals. */
export const CONFIDENCE = 0.95;

/** A measured row before the family's p-values are adjusted: the numbers, not yet the words. */
export interface Draft {
  claim: string;
  comparison: string;
  metric: string;
  /** The smallest effect of interest that applies, in the metric's units. */
  sesoi: number;
  role: Role;
  note?: string;
  claimed: Claimed;
  /** Why the row cannot be computed (then it is left out). */
  notMeasured?: string;
  test?: TTest;
  testName?: string;
  /** Seeds left out because a value was not finite (NaN or infinite). */
  leftOut: number[];
  baseline?: { label: string; mean: number };
  scope?: Scope;
}

/** The family of tests Holm's adjustment covers: both tests of every evidence row that could be tested. */
function inFamily(d: Draft): d is Draft & { test: TTest } {
  return d.role === "evidence" && d.test !== undefined && Number.isFinite(d.test.p);
}

/** The drafts that could be measured, in words, with both tests of every evidence row adjusted by Holm's method as one family. */
export function renderDrafts(drafts: readonly Draft[]): VerdictRow[] {
  const family = drafts.filter(inFamily);
  const raw = family.flatMap((d) => [d.test.p, equivalenceTest(d.test, d.sesoi).p]);
  const adjusted = holmAdjust(raw);
  const adjustedOf = new Map<Draft, { difference: number; equivalence: number }>(
    family.map((d, i) => [d, { difference: adjusted[2 * i], equivalence: adjusted[2 * i + 1] }]),
  );
  return drafts.filter((d) => !d.notMeasured).map((d) => render(d, adjustedOf.get(d)));
}

/** A draft in words, with its verdict from the (adjusted, for evidence rows) p-values. */
function render(d: Draft, adjusted: { difference: number; equivalence: number } | undefined): VerdictRow {
  const test = d.test!;
  const bound = d.sesoi;
  const row = {
    claim: d.claim,
    comparison: d.comparison,
    metric: d.metric,
    role: d.role,
    ...(d.note ? { note: d.note } : {}),
    sesoi: `±${formatNumber(bound)}`,
    ...(d.scope ? { scope: d.scope } : {}),
  };
  const leftOut = d.leftOut.length ? `; seed${d.leftOut.length > 1 ? "s" : ""} ${d.leftOut.join(", ")} left out (value not finite)` : "";
  if (test.zeroSpread) {
    // The same difference in every seed: no spread to test against, so no test and no verdict.
    const effect = test.meanDiff === 0 ? "0 in every seed" : `${formatNumber(test.meanDiff)} in every seed`;
    const verdict: Verdict = d.role === "evidence" ? "inconclusive" : d.role;
    return {
      ...row,
      effect,
      test: `no spread across seeds: not testable${leftOut}`,
      equivalence: "-",
      verdict,
      outcome: "inconclusive",
      p: { difference: NaN, equivalence: NaN },
    };
  }
  const ci = confidenceInterval(test, CONFIDENCE);
  const equivalence = equivalenceTest(test, bound);
  // Relative to a baseline within the smallest effect of interest of 0 (an unbiased model's pull), a percentage says nothing.
  const relative =
    d.baseline && Math.abs(d.baseline.mean) > bound
      ? `; ${formatPercent(test.meanDiff / d.baseline.mean)} of ${d.baseline.label}'s ${formatNumber(d.baseline.mean)}`
      : "";
  const effect = `${formatNumber(test.meanDiff)} [${formatNumber(ci.lo)}, ${formatNumber(ci.hi)}]${relative}`;
  const holm = (p: number | undefined) => (adjusted ? `, Holm ${formatP(p!, ALPHA)}` : d.role === "evidence" ? "" : ", not in the Holm family");
  const testText = `${d.testName}(${test.df}) = ${formatNumber(test.t)}, p = ${formatP(test.p, ALPHA)}${holm(adjusted?.difference)}${leftOut}`;
  const equivalenceText = `p = ${formatP(equivalence.p, ALPHA)}${holm(adjusted?.equivalence)}`;
  const p = {
    difference: test.p,
    equivalence: equivalence.p,
    ...(adjusted ? { differenceAdjusted: adjusted.difference, equivalenceAdjusted: adjusted.equivalence } : {}),
  };
  if (d.role !== "evidence") {
    // Not evidence for or against the claim: say only whether the numbers differ, from the raw p-values.
    const o = decide({ claimed: "= 0", meanDiff: test.meanDiff, pDifference: test.p, pEquivalence: equivalence.p, alpha: ALPHA });
    const outcome =
      o === "supported" ? "no difference that matters" : o === "contradicted" ? `differs (${test.meanDiff > 0 ? "higher" : "lower"})` : "inconclusive";
    return { ...row, effect, test: testText, equivalence: equivalenceText, verdict: d.role, outcome, p };
  }
  const outcome = decide({
    claimed: d.claimed,
    meanDiff: test.meanDiff,
    pDifference: adjusted?.difference ?? NaN,
    pEquivalence: adjusted?.equivalence ?? NaN,
    alpha: ALPHA,
  });
  return { ...row, effect, test: testText, equivalence: equivalenceText, verdict: outcome, outcome, p };
}
