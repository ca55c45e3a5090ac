import { confidenceInterval, equivalenceTest, oneSampleComparison, pairedComparison, type TTest } from "../metrics/stats.js";
import { holmAdjust } from "../metrics/holm.js";
import { SESOI_DEFAULTS, type Sesoi, type SesoiMetric } from "../experiment/sesoi.js";
import { asymmetryChecks, ratioNearHalf } from "./analytic.js";
import { formatNumber, formatP, formatPercent } from "./format.js";
import { findGroup, findGroups, pairBySeed, type Group, type RunTraits } from "./groups.js";
import type { RunMetrics } from "./run-metrics.js";
import { decide, type Claimed, type Outcome } from "./verdict.js";

/**
 * What a row is for. Only "evidence" rows decide their claim, enter its tally and the Holm family; the
 * others are shown with what their numbers say, under their own label.
 */
export type Role = "evidence" | "control" | "manipulation check" | "descriptive" | "baseline fails to reconstruct";

export type Verdict = Outcome | "holds" | "fails" | "not measured" | Exclude<Role, "evidence">;

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
}

/** The claims, in our words (the report quotes these). */
export const CLAIMS: Record<string, string> = {
  C1: "BCE is asymmetric around a non-binary target: for a target of 0.8, predicting 0.9 costs more than 0.7; for 0.3, predicting 0.4 costs less than 0.2. Squared error charges both sides alike.",
  C2: "Near a target of 0.5, BCE minus its minimum is about twice the squared error.",
  C3: "On non-binary targets BCE pulls outputs toward 0.5, so BCE-trained reconstructions are blurrier than MSE-trained ones.",
  C4: "MSE is unbiased: the errors of MSE-trained reconstructions average to zero.",
  C5: "Pushing outputs away from 0.5 gives hard, pixellated edges.",
  C6: "A learned adversarial loss gives sharper outputs than the fixed losses.",
};

/** Significance level of every test in the table (after Holm's adjustment for evidence rows). */
export const ALPHA = 0.05;

/** Confidence level of the effects' intervals. */
export const CONFIDENCE = 0.95;

/** Below this classifier accuracy on its reconstructions, a group's outputs no longer show their inputs' digits. */
export const RECOGNISABLE_ACCURACY = 0.5;

function meanAccuracy(g: Group): number {
  return g.runs.reduce((s, r) => s + r.metrics.classifierAccuracy, 0) / g.runs.length;
}

const recognisable = (g: Group) => meanAccuracy(g) >= RECOGNISABLE_ACCURACY;

/** A group's name in a comparison, with † when its reconstructions are not recognisable (see caveats). */
function label(g: Group): string {
  return `${describeGroup(g.traits)}${recognisable(g) ? "" : "†"}`;
}

function describeGroup(t: Omit<RunTraits, "seed">): string {
  const loss = t.variant === "vaegan" ? "VAE-GAN" : `${t.family.toUpperCase()}-${t.recon.toUpperCase()}${t.adversarial ? `+GAN(λ=${t.adversarialWeight})` : ""}`;
  return `${loss}${t.family === "vae" && t.beta !== 1 ? ` β=${t.beta}` : ""}${t.binarize !== "none" ? ` [${t.binarize}]` : ""}`;
}

/** A metric a claim compares: its name in the table, how to read it, and which smallest effect applies. */
interface Metric {
  name: string;
  key: SesoiMetric;
  value: (m: RunMetrics) => number;
}

const METRICS = {
  pull: { name: "pull toward 0.5 (mean |y−½| − mean |x−½|)", key: "pullTowardHalf", value: (m) => m.pullTowardHalf },
  sharpness: { name: "sharpness ratio (gradient, outputs / targets)", key: "sharpnessGradient", value: (m) => m.sharpnessRatio.gradient },
  laplacian: { name: "Laplacian variance of outputs", key: "laplacianVariance", value: (m) => m.outputSharpness.laplacianVariance },
  signedError: { name: "signed error, all pixels", key: "signedError", value: (m) => m.signedError },
  signedErrorNonZero: { name: "signed error on non-zero targets", key: "signedErrorNonZero", value: (m) => m.signedErrorNonZero },
  midGrey: { name: "share of outputs in (0.1, 0.9)", key: "midGreyOutput", value: (m) => m.midGreyOutput },
  wasserstein: { name: "Wasserstein-1, output vs target intensities", key: "wasserstein", value: (m) => m.wasserstein },
} satisfies Record<string, Metric>;

/** A measured row before the family's p-values are adjusted: the numbers, not yet the words. */
interface Draft {
  claim: string;
  comparison: string;
  metric: Metric;
  role: Role;
  note?: string;
  claimed: Claimed;
  /** Why the row cannot be computed (then it is "not measured"). */
  notMeasured?: string;
  test?: TTest;
  testName?: string;
  /** Seeds left out because a value was not finite (NaN or infinite). */
  leftOut: number[];
  baseline?: { label: string; mean: number };
}

const sharesFinite = (...values: number[]) => values.every(Number.isFinite);

/** a - b paired by seed; seeds where either value is not finite are left out, and the row says which. */
function pairedDraft(claim: string, a: Group | undefined, b: Group | undefined, metric: Metric, claimed: Claimed, role: Role = "evidence", note?: string): Draft {
  const comparison = a && b ? `${label(a)} − ${label(b)}` : "groups not in this experiment";
  if (!a || !b) return { claim, comparison, metric, role, note, claimed, notMeasured: "-", leftOut: [] };
  if (role === "evidence" && claim === "C6" && !recognisable(b)) {
    role = "baseline fails to reconstruct";
    note = `${describeGroup(b.traits)}'s reconstructions are not recognisable: being sharper than them is no evidence of sharpness`;
  }
  const paired = pairBySeed(a, b, metric.value);
  const keep = paired.seeds.map((_, i) => sharesFinite(paired.a[i], paired.b[i]));
  const leftOut = paired.seeds.filter((_, i) => !keep[i]);
  const va = paired.a.filter((_, i) => keep[i]);
  const vb = paired.b.filter((_, i) => keep[i]);
  if (va.length < 2) return { claim, comparison, metric, role, note, claimed, notMeasured: `${va.length} paired seed(s) with finite values`, leftOut };
  const baselineMean = vb.reduce((s, v) => s + v, 0) / vb.length;
  return { claim, comparison, metric, role, note, claimed, test: pairedComparison(va, vb), testName: "paired t", leftOut, baseline: { label: describeGroup(b.traits), mean: baselineMean } };
}

/** A value claimed to be zero, tested against 0 and for equivalence to 0. */
function zeroDraft(claim: string, g: Group | undefined, metric: Metric, role: Role = "evidence", note?: string): Draft {
  if (!g) return { claim, comparison: "group not in this experiment", metric, role, note, claimed: "= 0", notMeasured: "-", leftOut: [] };
  const values = g.runs.map((r) => metric.value(r.metrics));
  const leftOut = g.runs.filter((_, i) => !Number.isFinite(values[i])).map((r) => r.traits.seed);
  const finite = values.filter(Number.isFinite);
  const comparison = `${label(g)} vs 0`;
  if (finite.length < 2) return { claim, comparison, metric, role, note, claimed: "= 0", notMeasured: `${finite.length} seed(s) with finite values`, leftOut };
  return { claim, comparison, metric, role, note, claimed: "= 0", test: oneSampleComparison(finite, 0), testName: "one-sample t", leftOut };
}

/** The family of tests Holm's adjustment covers: both tests of every evidence row that could be tested. */
function inFamily(d: Draft): d is Draft & { test: TTest } {
  return d.role === "evidence" && d.test !== undefined && Number.isFinite(d.test.p);
}

/** Every verdict row the experiment's groups allow, computed from the numbers only. */
export function verdicts(groups: readonly Group[], sesoi: Sesoi = SESOI_DEFAULTS): VerdictRow[] {
  const drafts: Draft[] = [];
  const kinds = [...new Set(groups.map((g) => g.traits.networks))];
  for (const networks of kinds) {
    const mine = measuredDrafts(groups.filter((g) => g.traits.networks === networks));
    // With several network kinds in one experiment, each row says which networks it compares.
    drafts.push(...(kinds.length > 1 ? mine.map((d) => ({ ...d, comparison: `[${networks}] ${d.comparison}` })) : mine));
  }
  const family = drafts.filter(inFamily);
  const raw = family.flatMap((d) => [d.test.p, equivalenceTest(d.test, sesoi[d.metric.key]).p]);
  const adjusted = holmAdjust(raw);
  const adjustedOf = new Map<Draft, { difference: number; equivalence: number }>(family.map((d, i) => [d, { difference: adjusted[2 * i], equivalence: adjusted[2 * i + 1] }]));
  const measured = drafts.filter((d) => !d.notMeasured).map((d) => render(d, sesoi[d.metric.key], adjustedOf.get(d)));
  return [...analyticRows(), ...measured];
}

/** A draft in words, with its verdict from the (adjusted, for evidence rows) p-values. */
function render(d: Draft, bound: number, adjusted: { difference: number; equivalence: number } | undefined): VerdictRow {
  const test = d.test!;
  const row = { claim: d.claim, comparison: d.comparison, metric: d.metric.name, role: d.role, ...(d.note ? { note: d.note } : {}), sesoi: `±${formatNumber(bound)}` };
  const leftOut = d.leftOut.length ? `; seed${d.leftOut.length > 1 ? "s" : ""} ${d.leftOut.join(", ")} left out (value not finite)` : "";
  if (test.zeroSpread) {
    // The same difference in every seed: no spread to test against, so no test and no verdict.
    const effect = test.meanDiff === 0 ? "0 in every seed" : `${formatNumber(test.meanDiff)} in every seed`;
    const verdict: Verdict = d.role === "evidence" ? "inconclusive" : d.role;
    return { ...row, effect, test: `no spread across seeds: not testable${leftOut}`, equivalence: "-", verdict, outcome: "inconclusive", p: { difference: NaN, equivalence: NaN } };
  }
  const ci = confidenceInterval(test, CONFIDENCE);
  const equivalence = equivalenceTest(test, bound);
  const relative = d.baseline && Math.abs(d.baseline.mean) > 0 ? `; ${formatPercent(test.meanDiff / d.baseline.mean)} of ${d.baseline.label}'s ${formatNumber(d.baseline.mean)}` : "";
  const effect = `${formatNumber(test.meanDiff)} [${formatNumber(ci.lo)}, ${formatNumber(ci.hi)}]${relative}`;
  const holm = (p: number | undefined) => (adjusted ? `, Holm ${formatP(p!, ALPHA)}` : d.role === "evidence" ? "" : ", not in the Holm family");
  const testText = `${d.testName}(${test.df}) = ${formatNumber(test.t)}, p = ${formatP(test.p, ALPHA)}${holm(adjusted?.difference)}${leftOut}`;
  const equivalenceText = `p = ${formatP(equivalence.p, ALPHA)}${holm(adjusted?.equivalence)}`;
  const p = { difference: test.p, equivalence: equivalence.p, ...(adjusted ? { differenceAdjusted: adjusted.difference, equivalenceAdjusted: adjusted.equivalence } : {}) };
  if (d.role !== "evidence") {
    // Not evidence for or against the claim: say only whether the numbers differ, from the raw p-values.
    const o = decide({ claimed: "= 0", meanDiff: test.meanDiff, pDifference: test.p, pEquivalence: equivalence.p, alpha: ALPHA });
    const outcome = o === "supported" ? "no difference that matters" : o === "contradicted" ? `differs (${test.meanDiff > 0 ? "higher" : "lower"})` : "inconclusive";
    return { ...row, effect, test: testText, equivalence: equivalenceText, verdict: d.role, outcome, p };
  }
  const outcome = decide({ claimed: d.claimed, meanDiff: test.meanDiff, pDifference: adjusted?.difference ?? NaN, pEquivalence: adjusted?.equivalence ?? NaN, alpha: ALPHA });
  return { ...row, effect, test: testText, equivalence: equivalenceText, verdict: outcome, outcome, p };
}

/** C1 and C2: properties of the losses themselves, checked numerically. */
function analyticRows(): VerdictRow[] {
  const rows: VerdictRow[] = [];
  for (const c of asymmetryChecks()) {
    const expected = c.target > 0.5 ? "upper" : "lower";
    rows.push({
      claim: "C1",
      comparison: `target ${c.target}: predict ${c.upper} vs ${c.lower}`,
      metric: "BCE (squared error)",
      role: "evidence",
      sesoi: "-",
      effect: `${formatNumber(c.bceUpper, 4)} vs ${formatNumber(c.bceLower, 4)} (${formatNumber(c.mseUpper, 4)} vs ${formatNumber(c.mseLower, 4)})`,
      test: "analytic",
      equivalence: "-",
      verdict: c.costlier === expected ? "holds" : "fails",
    });
  }
  const ratios = ratioNearHalf();
  const near = ratios.find((r) => r.delta === 0.01) ?? ratios[0];
  const far = ratios.find((r) => r.delta === 0.2) ?? ratios[ratios.length - 1];
  rows.push({
    claim: "C2",
    comparison: `target 0.5, prediction 0.5 ± d`,
    metric: "(BCE − min) / squared error",
    role: "evidence",
    sesoi: "-",
    effect: `${formatNumber(near.ratio, 5)} at d = ${near.delta}; ${formatNumber(far.ratio, 3)} at d = ${far.delta}`,
    test: "analytic (−½ ln(1 − 4d²) / d² → 2)",
    equivalence: "-",
    verdict: Math.abs(near.ratio - 2) < 0.01 ? "holds" : "fails",
  });
  return rows;
}

/** C3 to C6 for groups that share their networks, paired by seed. */
function measuredDrafts(groups: readonly Group[]): Draft[] {
  const rows: Draft[] = [];
  for (const family of ["ae", "vae"] as const) {
    // The plain variant by name: an AAE or a pixel GAN with lambda 0 is not the MSE baseline.
    const base = { family, variant: family, binarize: "none" as const };
    const mse = findGroup(groups, { ...base, recon: "mse", beta: 1 });
    const bce = findGroup(groups, { ...base, recon: "bce", beta: 1 });
    rows.push(pairedDraft("C3", bce, mse, METRICS.pull, "<"));
    rows.push(pairedDraft("C3", bce, mse, METRICS.sharpness, "<"));
    if (family === "vae") {
      // C2: BCE weighs errors near 0.5 about twice as much as MSE, so MSE with beta / 2 matches BCE's KL weight there (only there).
      const matched = findGroup(groups, { ...base, recon: "mse", beta: 0.5 });
      rows.push(pairedDraft("C3", bce, matched, { ...METRICS.sharpness, name: "sharpness ratio, KL weight halved (MSE β = ½; matches BCE's curvature at a target of 0.5 only)" }, "<"));
    }
    const bceBinary = findGroup(groups, { ...base, binarize: "threshold", recon: "bce", beta: 1 });
    const mseBinary = findGroup(groups, { ...base, binarize: "threshold", recon: "mse", beta: 1 });
    if (bceBinary && mseBinary) {
      rows.push(pairedDraft("C3", bceBinary, mseBinary, { ...METRICS.sharpness, name: "sharpness ratio, binarized targets" }, "<", "control", "C3 is about non-binary targets and predicts no difference here"));
    }

    rows.push(
      zeroDraft("C4", mse, METRICS.signedErrorNonZero, "descriptive", "selects pixels by their target, so regression to the mean makes it negative for an unbiased (conditional-mean) model too"),
    );
    rows.push(zeroDraft("C4", mse, METRICS.signedError));

    for (const recon of ["mse", "bce", "l1"] as const) {
      const soft = findGroup(groups, { ...base, recon, beta: 1 });
      const hard = findGroup(groups, { ...base, binarize: "threshold", recon, beta: 1 });
      if (soft && hard) {
        rows.push(pairedDraft("C5", hard, soft, METRICS.midGrey, "<", "manipulation check", "thresholded targets lower it by construction: it shows the outputs were pushed away from 0.5, not what that does to edges"));
        rows.push(pairedDraft("C5", hard, soft, METRICS.laplacian, ">"));
      }
    }

    // Every adversarial weight the experiment tried gets its own rows (a lambda sweep compares each).
    const gans = findGroups(groups, { family, variant: `${family}+gan`, binarize: "none", recon: "mse", adversarial: true }).filter((g) => g.traits.beta === 1);
    for (const gan of gans) {
      for (const fixed of [mse, bce, findGroup(groups, { ...base, recon: "l1", beta: 1 })]) {
        rows.push(pairedDraft("C6", gan, fixed, METRICS.sharpness, ">"));
      }
      if (mse) {
        rows.push(pairedDraft("C6", gan, mse, METRICS.midGrey, "<"));
        rows.push(pairedDraft("C6", gan, mse, METRICS.wasserstein, "<"));
      }
    }
  }
  return rows;
}

/**
 * Warnings the numbers call for, to read beside the verdicts: a group whose reconstructions a classifier
 * no longer recognises (collapsed to a mean image, or a GAN's free samples) can be "sharp" without
 * reconstructing anything.
 */
export function caveats(groups: readonly Group[]): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const accuracy = meanAccuracy(g);
    if (accuracy >= RECOGNISABLE_ACCURACY) continue;
    const midGrey = g.runs.reduce((s, r) => s + r.metrics.midGreyOutput, 0) / g.runs.length;
    out.push(
      `${describeGroup(g.traits)}: the classifier recognises only ${formatPercent(accuracy, 3)} of its reconstructions (mean over seeds)` +
        `${midGrey === 0 ? ", and no output pixel lies in (0.1, 0.9)" : ""}: its outputs do not show their inputs' digits, so its sharpness and intensity numbers describe images that fail to reconstruct.`,
    );
  }
  return out;
}
