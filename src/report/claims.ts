import { confidenceInterval, equivalenceTest, oneSampleComparison, pairedComparison, type TTest } from "../metrics/stats.js";
import { holmAdjust } from "../metrics/holm.js";
import { SESOI_DEFAULTS, type Sesoi, type SesoiMetric } from "../experiment/sesoi.js";
import { asymmetryChecks, ratioNearHalf } from "./analytic.js";
import { hitEpochCap } from "./convergence.js";
import { formatNumber, formatP, formatPercent } from "./format.js";
import { findGroup, findGroups, pairBySeed, type Group, type RunTraits } from "./groups.js";
import type { PushRow } from "../metrics/index.js";
import type { RunMetrics } from "./run-metrics.js";
import { ORACLE_NOTE } from "./oracle-note.js";
import { decide, type Claimed, type Outcome } from "./verdict.js";
import { withDatasetAgreement } from "./dataset-agreement.js";

/**
 * What a row is for. Only "evidence" rows decide their claim, enter its tally and the Holm family; the
 * others are shown with what their numbers say, under their own label.
 */
export type Role = "evidence" | "control" | "manipulation check" | "descriptive" | "reference" | "fails to reconstruct" | "baseline fails to reconstruct";

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
  /** The networks and data the row's groups share (measured rows only). */
  scope?: Scope;
  /** In an experiment on several datasets: whether the same comparison reaches the same verdict on each (dataset-agreement.ts). */
  acrossDatasets?: string;
}

/** Which networks and which data a measured row's groups share: claims compare groups within one scope only. */
export interface Scope {
  networks: string;
  dataset: string;
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

/** A group's name in a comparison, with † when its reconstructions are not recognisable and ‡ when it hit the epoch cap (see caveats). */
function label(g: Group): string {
  if (g.reference) return g.name;
  return `${describeGroup(g.traits)}${recognisable(g) ? "" : "†"}${hitEpochCap(g) ? "‡" : ""}`;
}

function describeGroup(t: Omit<RunTraits, "seed">): string {
  const loss = t.variant === "vaegan" ? "VAE-GAN" : `${t.family.toUpperCase()}-${t.recon.toUpperCase()}${t.adversarial ? `+GAN(${lambdaWords(t)})` : ""}`;
  return `${loss}${t.family === "vae" && t.beta !== 1 ? ` β=${t.beta}` : ""}${t.binarize !== "none" ? ` [${t.binarize}]` : ""}`;
}

/** The adversarial weight as configured: "λ=10" fixed, "λ adaptive" (VQGAN's rule), "λ=0.1×adaptive", "λ=0.5×ratio". */
function lambdaWords(t: Omit<RunTraits, "seed">): string {
  const mode = t.adversarialBalance ?? "fixed";
  if (mode === "fixed") return `λ=${t.adversarialWeight}`;
  return t.adversarialWeight === 1 ? `λ ${mode}` : `λ=${t.adversarialWeight}×${mode}`;
}

/** A metric a claim compares: its name in the table, how to read it, and which smallest effect applies. */
interface Metric {
  name: string;
  key: SesoiMetric;
  value: (m: RunMetrics) => number;
  /** For a within-run difference (a zero-claim row), the value it is relative to. */
  baseline?: (m: RunMetrics) => number;
}

/** A value of C5's push sweep at strength k, NaN when the run has no sweep (it trained on binarized targets) or no such k. */
function pushed(m: RunMetrics, k: number, read: (row: PushRow) => number): number {
  const row = m.pushSweep?.find((r) => r.k === k);
  return row ? read(row) : NaN;
}

/** The push strength C5's rows test (the figure and the sweep table show every k measured). */
export const C5_PUSH = 3;

/** C5's push rows: a sweep quantity at k = C5_PUSH minus the same at k = 1 (the outputs as trained). */
function pushMetric(name: string, key: SesoiMetric, read: (row: PushRow) => number): Metric {
  return { name, key, value: (m) => pushed(m, C5_PUSH, read) - pushed(m, 1, read), baseline: (m) => pushed(m, 1, read) };
}

const METRICS = {
  reliabilityPull: { name: "reliability pull (mean sign(y−½)·(y−x); 0 for an unbiased model)", key: "reliabilityPull", value: (m) => m.reliability.pull },
  sharpness: { name: "sharpness ratio (gradient, outputs / targets)", key: "sharpnessGradient", value: (m) => m.sharpnessRatio.gradient },
  signedError: { name: "signed error, all pixels", key: "signedError", value: (m) => m.signedError },
  signedErrorNonZero: { name: "signed error on non-zero targets", key: "signedErrorNonZero", value: (m) => m.signedErrorNonZero },
  midGrey: { name: "share of outputs in (0.1, 0.9)", key: "midGreyOutput", value: (m) => m.midGreyOutput },
  wasserstein: { name: "Wasserstein-1, output vs target intensities", key: "wasserstein", value: (m) => m.wasserstein },
  highFrequency: { name: "high-frequency energy ratio (outputs / targets)", key: "highFrequencyRatio", value: (m) => m.highFrequencyRatio.ownTargets },
  sharpnessVsGrey: { name: "sharpness ratio (gradient) against the greyscale targets", key: "sharpnessGradient", value: (m) => m.sharpnessVsGrey.gradient },
  highFrequencyVsGrey: { name: "high-frequency energy ratio against the greyscale targets", key: "highFrequencyRatio", value: (m) => m.highFrequencyRatio.greyTargets },
  pushGradient: pushMetric("sharpness ratio (gradient)", "sharpnessGradient", (r) => r.gradientRatio),
  pushLaplacian: pushMetric("Laplacian-variance ratio", "laplacianRatio", (r) => r.laplacianRatio),
  pushHighFrequency: pushMetric("high-frequency energy ratio", "highFrequencyRatio", (r) => r.highFrequencyRatio),
  pushMse: pushMetric("MSE (sum per image)", "mse", (r) => r.mse),
} satisfies Record<string, Metric>;

/** A measured row before the family's p-values are adjusted: the numbers, not yet the words. */
export interface Draft {
  claim: string;
  comparison: string;
  /** What the row measures (a row computed outside this file, e.g. at matched rate, names its metric only). */
  metric: Pick<Metric, "name" | "key">;
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
  scope?: Scope;
}

const sharesFinite = (...values: number[]) => values.every(Number.isFinite);

/** a - b paired by seed; seeds where either value is not finite are left out, and the row says which. */
function pairedDraft(claim: string, a: Group | undefined, b: Group | undefined, metric: Metric, claimed: Claimed, role: Role = "evidence", note?: string): Draft {
  const comparison = a && b ? `${label(a)} − ${label(b)}` : "groups not in this experiment";
  if (!a || !b) return { claim, comparison, metric, role, note, claimed, notMeasured: "-", leftOut: [] };
  if (role === "evidence" && claim === "C6" && !recognisable(a)) {
    role = "fails to reconstruct";
    note = `the classifier recognises fewer than ${formatPercent(RECOGNISABLE_ACCURACY)} of ${describeGroup(a.traits)}'s reconstructions: sharp outputs that do not show their inputs are no evidence for a loss that reconstructs sharply`;
  } else if (role === "evidence" && claim === "C6" && !recognisable(b)) {
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

/**
 * A value tested against 0 and for equivalence to 0: a claim of no bias ("= 0"), or a within-run difference (C5's
 * push rows: the same outputs pushed minus as trained) claimed to have a sign; the latter is a paired t-test.
 */
function zeroDraft(claim: string, g: Group | undefined, metric: Metric, role: Role = "evidence", note?: string, claimed: Claimed = "= 0", comparisonText?: string): Draft {
  if (!g) return { claim, comparison: "group not in this experiment", metric, role, note, claimed, notMeasured: "-", leftOut: [] };
  const values = g.runs.map((r) => metric.value(r.metrics));
  const leftOut = g.runs.filter((_, i) => !Number.isFinite(values[i])).map((r) => r.traits.seed);
  const finite = values.filter(Number.isFinite);
  const comparison = comparisonText ? `${label(g)}: ${comparisonText}` : `${label(g)} vs 0`;
  if (finite.length < 2) return { claim, comparison, metric, role, note, claimed, notMeasured: `${finite.length} seed(s) with finite values`, leftOut };
  const base = metric.baseline && g.runs.map((r) => metric.baseline!(r.metrics)).filter(Number.isFinite);
  const baseline = base && base.length ? { label: label(g), mean: base.reduce((s, v) => s + v, 0) / base.length } : undefined;
  return { claim, comparison, metric, role, note, claimed, test: oneSampleComparison(finite, 0), testName: claimed === "= 0" ? "one-sample t" : "paired t", leftOut, ...(baseline ? { baseline } : {}) };
}

/** The family of tests Holm's adjustment covers: both tests of every evidence row that could be tested. */
function inFamily(d: Draft): d is Draft & { test: TTest } {
  return d.role === "evidence" && d.test !== undefined && Number.isFinite(d.test.p);
}

/**
 * Every verdict row the experiment's groups allow, computed from the numbers only. `references` (the class-mean
 * oracle) are shown beside the models in rows of their own, never in a tally.
 */
export function verdicts(groups: readonly Group[], sesoi: Sesoi = SESOI_DEFAULTS, references: readonly Group[] = [], computedElsewhere: readonly Draft[] = []): VerdictRow[] {
  // Rows drafted elsewhere (the rate–distortion comparisons at matched rate) join the same family and tally.
  const drafts: Draft[] = [...computedElsewhere];
  const models = groups.filter((g) => !g.reference);
  const scopes = scopesOf(models);
  const datasets = new Set(scopes.map((s) => s.dataset)).size;
  const networkKinds = new Set(scopes.map((s) => s.networks)).size;
  // With several network kinds or datasets in one experiment, each row says which it compares.
  const prefix = (scope: Scope) => {
    const parts = [...(networkKinds > 1 ? [scope.networks] : []), ...(datasets > 1 ? [scope.dataset] : [])];
    return parts.length ? `[${parts.join(", ")}] ` : "";
  };
  // The unbiased reference for a dataset: the class-mean oracle of its greyscale targets.
  const greyOracleOf = (dataset: string) => references.find((g) => g.traits.binarize === "none" && g.traits.dataset === dataset);
  for (const scope of scopes) {
    const greyOracle = greyOracleOf(scope.dataset);
    const mine = measuredDrafts(
      models.filter((g) => g.traits.networks === scope.networks && g.traits.dataset === scope.dataset),
      greyOracle,
    );
    drafts.push(...mine.map((d) => ({ ...d, comparison: `${prefix(scope)}${d.comparison}`, scope })));
  }
  for (const dataset of new Set(scopes.map((s) => s.dataset))) {
    const greyOracle = greyOracleOf(dataset);
    if (!greyOracle) continue;
    const note = `${ORACLE_NOTE}: what an unbiased model scores on this metric`;
    const scope = { networks: "-", dataset };
    const named = (d: Draft): Draft => ({ ...d, comparison: `${datasets > 1 ? `[${dataset}] ` : ""}${d.comparison}`, scope });
    drafts.push(named(zeroDraft("C4", greyOracle, METRICS.reliabilityPull, "reference", note)));
    drafts.push(named(zeroDraft("C4", greyOracle, METRICS.signedErrorNonZero, "reference", note)));
  }
  // Rows in claim order (a stable sort: within a claim, in the order they were drafted).
  drafts.sort((a, b) => a.claim.localeCompare(b.claim));
  const family = drafts.filter(inFamily);
  const raw = family.flatMap((d) => [d.test.p, equivalenceTest(d.test, sesoi[d.metric.key]).p]);
  const adjusted = holmAdjust(raw);
  const adjustedOf = new Map<Draft, { difference: number; equivalence: number }>(family.map((d, i) => [d, { difference: adjusted[2 * i], equivalence: adjusted[2 * i + 1] }]));
  const measured = drafts.filter((d) => !d.notMeasured).map((d) => render(d, sesoi[d.metric.key], adjustedOf.get(d)));
  return [...analyticRows(), ...withDatasetAgreement(measured)];
}

/** The networks-and-data combinations among the groups, in the order the groups first show them. */
function scopesOf(groups: readonly Group[]): Scope[] {
  const seen = new Map<string, Scope>();
  for (const g of groups) seen.set(JSON.stringify([g.traits.networks, g.traits.dataset]), { networks: g.traits.networks, dataset: g.traits.dataset });
  return [...seen.values()];
}

/** A draft in words, with its verdict from the (adjusted, for evidence rows) p-values. */
function render(d: Draft, bound: number, adjusted: { difference: number; equivalence: number } | undefined): VerdictRow {
  const test = d.test!;
  const row = { claim: d.claim, comparison: d.comparison, metric: d.metric.name, role: d.role, ...(d.note ? { note: d.note } : {}), sesoi: `±${formatNumber(bound)}`, ...(d.scope ? { scope: d.scope } : {}) };
  const leftOut = d.leftOut.length ? `; seed${d.leftOut.length > 1 ? "s" : ""} ${d.leftOut.join(", ")} left out (value not finite)` : "";
  if (test.zeroSpread) {
    // The same difference in every seed: no spread to test against, so no test and no verdict.
    const effect = test.meanDiff === 0 ? "0 in every seed" : `${formatNumber(test.meanDiff)} in every seed`;
    const verdict: Verdict = d.role === "evidence" ? "inconclusive" : d.role;
    return { ...row, effect, test: `no spread across seeds: not testable${leftOut}`, equivalence: "-", verdict, outcome: "inconclusive", p: { difference: NaN, equivalence: NaN } };
  }
  const ci = confidenceInterval(test, CONFIDENCE);
  const equivalence = equivalenceTest(test, bound);
  // Relative to a baseline within the smallest effect of interest of 0 (an unbiased model's pull), a percentage says nothing.
  const relative = d.baseline && Math.abs(d.baseline.mean) > bound ? `; ${formatPercent(test.meanDiff / d.baseline.mean)} of ${d.baseline.label}'s ${formatNumber(d.baseline.mean)}` : "";
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

/** The mean over seeds of a reference group's finite values, in words for a row's note. */
function referenceValue(g: Group | undefined, metric: Metric): string {
  if (!g) return "";
  const values = g.runs.map((r) => metric.value(r.metrics)).filter(Number.isFinite);
  return values.length ? `; the ${g.name} scores ${formatNumber(values.reduce((s, v) => s + v, 0) / values.length)} here` : "";
}

/** C3 to C6 for groups that share their networks, paired by seed. */
function measuredDrafts(groups: readonly Group[], oracle: Group | undefined): Draft[] {
  const rows: Draft[] = [];
  for (const family of ["ae", "vae"] as const) {
    // The plain variant by name: an AAE or a pixel GAN with lambda 0 is not the MSE baseline.
    const base = { family, variant: family, binarize: "none" as const };
    const mse = findGroup(groups, { ...base, recon: "mse", beta: 1 });
    const bce = findGroup(groups, { ...base, recon: "bce", beta: 1 });
    rows.push(pairedDraft("C3", bce, mse, METRICS.reliabilityPull, "<"));
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

    rows.push(zeroDraft("C4", mse, METRICS.reliabilityPull));
    rows.push(zeroDraft("C4", mse, METRICS.signedError));
    rows.push(
      zeroDraft(
        "C4",
        mse,
        METRICS.signedErrorNonZero,
        "descriptive",
        `selects pixels by their target, so regression to the mean makes it negative for an unbiased (conditional-mean) model too${referenceValue(oracle, METRICS.signedErrorNonZero)}`,
      ),
    );

    // C5 on edges: the same greyscale outputs pushed away from 1/2, against the same greyscale targets.
    for (const recon of ["mse", "bce"] as const) {
      const soft = findGroup(groups, { ...base, recon, beta: 1 });
      const what = `pushed (k = ${C5_PUSH}) − as trained`;
      for (const metric of [METRICS.pushGradient, METRICS.pushLaplacian, METRICS.pushHighFrequency]) rows.push(zeroDraft("C5", soft, metric, "evidence", undefined, ">", what));
      rows.push(zeroDraft("C5", soft, METRICS.pushMse, "descriptive", "what the push costs in fidelity to the same greyscale targets", ">", what));
    }
    for (const recon of ["mse", "bce", "l1"] as const) {
      const soft = findGroup(groups, { ...base, recon, beta: 1 });
      const hard = findGroup(groups, { ...base, binarize: "threshold", recon, beta: 1 });
      if (soft && hard) {
        rows.push(pairedDraft("C5", hard, soft, METRICS.midGrey, "<", "manipulation check", "thresholded targets lower it by construction: it shows the outputs were pushed away from 0.5, not what that does to edges"));
        // Both measured against the same greyscale targets: thresholded targets are sharper, so against their own targets the comparison would restate that.
        rows.push(pairedDraft("C5", hard, soft, METRICS.sharpnessVsGrey, ">"));
        rows.push(pairedDraft("C5", hard, soft, METRICS.highFrequencyVsGrey, ">"));
      }
    }

    // Every adversarial weight the experiment tried gets its own rows (a lambda sweep compares each).
    const gans = findGroups(groups, { family, variant: `${family}+gan`, binarize: "none", recon: "mse", adversarial: true }).filter((g) => g.traits.beta === 1);
    for (const gan of gans) {
      for (const fixed of [mse, bce, findGroup(groups, { ...base, recon: "l1", beta: 1 })]) {
        rows.push(pairedDraft("C6", gan, fixed, METRICS.sharpness, ">"));
      }
      if (mse) {
        // Against its fixed-loss twin (the same networks and seeds without the adversarial term).
        rows.push(pairedDraft("C6", gan, mse, METRICS.highFrequency, ">"));
        rows.push(pairedDraft("C6", gan, mse, METRICS.midGrey, "<"));
        rows.push(pairedDraft("C6", gan, mse, METRICS.wasserstein, "<"));
      }
    }
  }
  return rows;
}

/** A run whose own reconstructions the classifier does not recognise, in a group that does on average. */
export interface FailedRun {
  group: string;
  seed: number;
  accuracy: number;
  /** The group's other seeds' accuracies. */
  others: number[];
}

/**
 * Runs that failed to reconstruct inside groups that did not (a GAN collapsing in one seed out of several):
 * the group's mean hides them, and its rows average over them, so the report names each one.
 */
export function failedRuns(groups: readonly Group[]): FailedRun[] {
  return groups
    .filter((g) => !g.reference && recognisable(g))
    .flatMap((g) =>
      g.runs
        .filter((r) => r.metrics.classifierAccuracy < RECOGNISABLE_ACCURACY)
        .map((r) => ({ group: `${g.name} (${describeGroup(g.traits)})`, seed: r.traits.seed, accuracy: r.metrics.classifierAccuracy, others: g.runs.filter((o) => o !== r).map((o) => o.metrics.classifierAccuracy) })),
    );
}

/** A failed run in words, for the caveats. */
export function failedRunLine(f: FailedRun): string {
  return `${f.group}, seed ${f.seed}: the classifier recognises only ${formatPercent(f.accuracy, 3)} of its reconstructions (its other seeds: ${f.others.map((a) => formatPercent(a, 3)).join(", ")}), so this run failed to reconstruct; every row that uses its group averages over it, which widens that row's interval.`;
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
