import { oneSampleComparison, pairedComparison } from "../metrics/index.js";
import { asymmetryChecks, ratioNearHalf } from "./analytic.js";
import { findGroup, findGroups, pairBySeed, type Group, type RunTraits } from "./groups.js";
import type { RunMetrics } from "./run-metrics.js";

export type Verdict = "holds" | "fails" | "supported" | "contradicted" | "inconclusive" | "not rejected" | "not measured";

/** One row of the verdict table: a claim, what was compared, the effect, the test and what the numbers say. */
export interface VerdictRow {
  claim: string;
  comparison: string;
  metric: string;
  effect: string;
  test: string;
  verdict: Verdict;
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

/** Significance level of every test in the table. */
export const ALPHA = 0.05;

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : String(v));

/** Below this classifier accuracy on its reconstructions, a group's outputs no longer show their inputs' digits. */
export const RECOGNISABLE_ACCURACY = 0.5;

function meanAccuracy(g: Group): number {
  return g.runs.reduce((s, r) => s + r.metrics.classifierAccuracy, 0) / g.runs.length;
}

/** A group's name in a comparison, with † when its reconstructions are not recognisable (see caveats). */
function label(g: Group): string {
  return `${describeGroup(g.traits)}${meanAccuracy(g) < RECOGNISABLE_ACCURACY ? "†" : ""}`;
}

function describeGroup(t: Omit<RunTraits, "seed">): string {
  const loss = t.variant === "vaegan" ? "VAE-GAN" : `${t.family.toUpperCase()}-${t.recon.toUpperCase()}${t.adversarial ? `+GAN(λ=${t.adversarialWeight})` : ""}`;
  return `${loss}${t.family === "vae" && t.beta !== 1 ? ` β=${t.beta}` : ""}${t.binarize !== "none" ? ` [${t.binarize}]` : ""}`;
}

/**
 * a - b paired by seed, against a claimed direction: "supported" when the difference has the claimed
 * sign and p < ALPHA, "contradicted" when it is significant the other way, else "inconclusive".
 */
function pairedRow(claim: string, a: Group | undefined, b: Group | undefined, metric: string, value: (m: RunMetrics) => number, claimed: "<" | ">"): VerdictRow {
  const comparison = a && b ? `${label(a)} − ${label(b)}` : "groups not in this experiment";
  if (!a || !b) return { claim, comparison, metric, effect: "-", test: "-", verdict: "not measured" };
  const paired = pairBySeed(a, b, value);
  if (paired.seeds.length < 2) return { claim, comparison, metric, effect: "-", test: `${paired.seeds.length} paired seed(s)`, verdict: "not measured" };
  const r = pairedComparison(paired.a, paired.b);
  if (r.sdDiff === 0) {
    // No spread: a t-test is undefined (or infinitely sure), so no verdict is drawn from it.
    const effect = r.meanDiff === 0 ? `0 in every seed (${fmt(paired.a[0])} on both sides)` : `${fmt(r.meanDiff)} in every seed`;
    return { claim, comparison, metric, effect, test: "no spread across seeds: not testable", verdict: "inconclusive" };
  }
  const significant = r.p < ALPHA;
  const rightWay = claimed === "<" ? r.meanDiff < 0 : r.meanDiff > 0;
  return {
    claim,
    comparison,
    metric,
    effect: `${fmt(r.meanDiff)} ± ${fmt(r.sdDiff)} (d_z = ${fmt(r.cohenDz, 2)})`,
    test: `paired t(${r.df}) = ${fmt(r.t, 2)}, p = ${fmt(r.p)}`,
    verdict: significant ? (rightWay ? "supported" : "contradicted") : "inconclusive",
  };
}

/**
 * A value claimed to be zero: "contradicted" if significantly non-zero, else "not rejected" (with few
 * seeds a t-test rarely rejects, so this is not evidence of zero).
 */
function zeroRow(claim: string, g: Group | undefined, metric: string, value: (m: RunMetrics) => number): VerdictRow {
  if (!g) return { claim, comparison: "group not in this experiment", metric, effect: "-", test: "-", verdict: "not measured" };
  const values = g.runs.map((r) => value(r.metrics));
  if (values.length < 2) return { claim, comparison: label(g), metric, effect: "-", test: `${values.length} seed(s)`, verdict: "not measured" };
  const r = oneSampleComparison(values, 0);
  return {
    claim,
    comparison: `${label(g)} vs 0`,
    metric,
    effect: `${fmt(r.meanDiff)} ± ${fmt(r.sdDiff)} (d = ${fmt(r.cohenD, 2)})`,
    test: `one-sample t(${r.df}) = ${fmt(r.t, 2)}, p = ${fmt(r.p)}`,
    verdict: r.p < ALPHA ? "contradicted" : "not rejected",
  };
}

const sharpnessGradient = (m: RunMetrics) => m.sharpnessRatio.gradient;

/** Every verdict row the experiment's groups allow, computed from the numbers only. */
export function verdicts(groups: readonly Group[]): VerdictRow[] {
  const rows = analyticRows();
  const kinds = [...new Set(groups.map((g) => g.traits.networks))];
  for (const networks of kinds) {
    const mine = measuredRows(groups.filter((g) => g.traits.networks === networks));
    // With several network kinds in one experiment, each row says which networks it compares.
    rows.push(...(kinds.length > 1 ? mine.map((r) => ({ ...r, comparison: `[${networks}] ${r.comparison}` })) : mine));
  }
  return rows.filter((r) => r.verdict !== "not measured" || r.claim === "C1" || r.claim === "C2");
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
      effect: `${fmt(c.bceUpper, 4)} vs ${fmt(c.bceLower, 4)} (${fmt(c.mseUpper, 4)} vs ${fmt(c.mseLower, 4)})`,
      test: "analytic",
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
    effect: `${fmt(near.ratio, 4)} at d = ${near.delta}; ${fmt(far.ratio, 3)} at d = ${far.delta}`,
    test: "analytic (−½ ln(1 − 4d²) / d² → 2)",
    verdict: Math.abs(near.ratio - 2) < 0.01 ? "holds" : "fails",
  });
  return rows;
}

/** C3 to C6 for groups that share their networks, paired by seed. */
function measuredRows(groups: readonly Group[]): VerdictRow[] {
  const rows: VerdictRow[] = [];
  for (const family of ["ae", "vae"] as const) {
    // The plain variant by name: an AAE or a pixel GAN with lambda 0 is not the MSE baseline.
    const base = { family, variant: family, binarize: "none" as const };
    const mse = findGroup(groups, { ...base, recon: "mse", beta: 1 });
    const bce = findGroup(groups, { ...base, recon: "bce", beta: 1 });
    rows.push(pairedRow("C3", bce, mse, "pull toward 0.5 (mean |y−½| − mean |x−½|)", (m) => m.pullTowardHalf, "<"));
    rows.push(pairedRow("C3", bce, mse, "sharpness ratio (gradient, outputs / targets)", sharpnessGradient, "<"));
    if (family === "vae") {
      // C2 says BCE weighs errors near 0.5 about twice as much as MSE: MSE with beta / 2 matches BCE's KL weight there.
      const matched = findGroup(groups, { ...base, recon: "mse", beta: 0.5 });
      rows.push(pairedRow("C3", bce, matched, "sharpness ratio, KL weight matched (MSE β = ½)", sharpnessGradient, "<"));
    }
    const bceBinary = findGroup(groups, { ...base, binarize: "threshold", recon: "bce", beta: 1 });
    const mseBinary = findGroup(groups, { ...base, binarize: "threshold", recon: "mse", beta: 1 });
    if (bceBinary && mseBinary) rows.push(pairedRow("C3", bceBinary, mseBinary, "sharpness ratio, binarized targets (control)", sharpnessGradient, "<"));

    rows.push(zeroRow("C4", mse, "signed error on non-zero targets", (m) => m.signedErrorNonZero));
    rows.push(zeroRow("C4", mse, "signed error, all pixels", (m) => m.signedError));

    for (const recon of ["mse", "bce", "l1"] as const) {
      const soft = findGroup(groups, { ...base, recon, beta: 1 });
      const hard = findGroup(groups, { ...base, binarize: "threshold", recon, beta: 1 });
      if (soft && hard) {
        rows.push(pairedRow("C5", hard, soft, "share of outputs in (0.1, 0.9)", (m) => m.midGreyOutput, "<"));
        rows.push(pairedRow("C5", hard, soft, "Laplacian variance of outputs", (m) => m.outputSharpness.laplacianVariance, ">"));
      }
    }

    // Every adversarial weight the experiment tried gets its own rows (a lambda sweep compares each).
    const gans = findGroups(groups, { family, variant: `${family}+gan`, binarize: "none", recon: "mse", adversarial: true }).filter((g) => g.traits.beta === 1);
    for (const gan of gans) {
      for (const fixed of [mse, bce, findGroup(groups, { ...base, recon: "l1", beta: 1 })]) {
        rows.push(pairedRow("C6", gan, fixed, "sharpness ratio (gradient, outputs / targets)", sharpnessGradient, ">"));
      }
      if (mse) {
        rows.push(pairedRow("C6", gan, mse, "share of outputs in (0.1, 0.9)", (m) => m.midGreyOutput, "<"));
        rows.push(pairedRow("C6", gan, mse, "Wasserstein-1, output vs target intensities", (m) => m.wasserstein, "<"));
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
      `${describeGroup(g.traits)}: the classifier recognises only ${fmt(accuracy * 100, 1)}% of its reconstructions (mean over seeds)` +
        `${midGrey === 0 ? ", and no output pixel lies in (0.1, 0.9)" : ""}: its outputs do not show their inputs' digits, so its sharpness and intensity numbers describe images that fail to reconstruct.`,
    );
  }
  return out;
}
