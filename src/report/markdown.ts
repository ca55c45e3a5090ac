import type { Sesoi } from "../experiment/sesoi.js";
import { meanStd } from "../metrics/index.js";
import { ALPHA, CONFIDENCE, type VerdictRow } from "./rows.js";
import { comparedAcrossDatasets } from "./dataset-agreement.js";
import type { Figure } from "./figures.js";
import { formatNumber } from "./format.js";
import type { Group } from "./groups.js";
import type { RunMetrics } from "../metrics/measured.js";

/** The metrics table's columns: header and how to read the value. */
const METRIC_COLUMNS: Array<[string, (m: RunMetrics) => number | undefined]> = [
  // pixelErrors sums over an image's pixels and averages over images (the training losses' convention).
  ["MSE (sum per image)", (m) => m.mse],
  ["BCE (sum per image)", (m) => m.bce],
  ["L1 (sum per image)", (m) => m.l1],
  ["PSNR dB (mean of per-image)", (m) => m.psnr],
  ["SSIM", (m) => m.ssim],
  ["sharpness (grad)", (m) => m.sharpnessRatio.gradient],
  ["sharpness (Lap. var)", (m) => m.sharpnessRatio.laplacianVariance],
  ["sharpness vs greyscale targets (grad)", (m) => m.sharpnessVsGrey.gradient],
  ["high-freq. ratio", (m) => m.highFrequencyRatio.ownTargets],
  ["high-freq. ratio vs greyscale targets", (m) => m.highFrequencyRatio.greyTargets],
  ["reliability pull", (m) => m.reliability.pull],
  ["mean abs. bias by output bin", (m) => m.reliability.meanAbsBias],
  ["pull to ½ (target-based)", (m) => m.pullTowardHalf],
  ["signed err (x>0)", (m) => m.signedErrorNonZero],
  ["W1", (m) => m.wasserstein],
  ["in (0.1,0.9)", (m) => m.midGreyOutput],
  ["classifier acc", (m) => m.classifierAccuracy],
  ["FD recon", (m) => m.reconstructionFrechet],
  ["FD samples", (m) => m.sampleFrechet],
  ["MS-SSIM", (m) => m.msssim],
  ["LFD", (m) => m.lfd],
  ["spectrum dist.", (m) => m.spectrumDistance],
];

/** The feature network's columns: shown where some run was measured in it (a comparison named one of its metrics). */
const FEATURE_COLUMNS: ReadonlyArray<readonly [string, (m: RunMetrics) => number | undefined]> = [
  ["rFID", (m) => m.rfid],
  ["rKID", (m) => m.kid?.mean],
  ["precision", (m) => m.precision],
  ["recall", (m) => m.recall],
  ["sample FID", (m) => m.sampleFid],
  ["sample KID", (m) => m.sampleKid?.mean],
];

/** The feature networks the rFID, KID, precision and recall columns were measured in, with their test accuracy; "" where none was. */
function featureSpaceNote(groups: readonly Group[]): string {
  const spaces = new Map<string, NonNullable<RunMetrics["featureSpace"]>>();
  for (const g of groups) for (const r of g.runs) if (r.metrics.featureSpace) spaces.set(r.metrics.featureSpace.key, r.metrics.featureSpace);
  if (spaces.size === 0) return "";
  const each = [...spaces.values()].map((f) => `\`${f.key}\` (${f.objective}, seed ${f.seed}, test accuracy ${(f.testAccuracy * 100).toFixed(1)}%)`);
  return `rFID, rKID (mean over subsets), precision and recall (k = 3) compare the reconstructions with the test images, sample FID and KID decoded prior draws, in aelab's own evaluation feature network: ${each.join(", ")}; not Inception's, so comparable between groups here and not with published FIDs (docs/evaluation.md). `;
}

/** mean ± sd over the seeds whose value is finite; says when one seed leaves no spread, and how many values were not finite. */
export function metricsCell(values: Array<number | undefined>): string {
  const present = values.filter((v): v is number => v !== undefined);
  if (present.length === 0) return "–";
  const finite = present.filter(Number.isFinite);
  const nonFinite = present.length - finite.length;
  const note = nonFinite ? ` (${nonFinite} of ${present.length} not finite)` : "";
  if (finite.length === 0) return `not finite${present.length > 1 ? ` (${present.length} of ${present.length})` : ""}`;
  const { mean, std } = meanStd(finite);
  const spread = finite.length > 1 ? ` ± ${formatNumber(std, 2)}` : " (1 seed: no spread)";
  return `${formatNumber(mean)}${spread}${note}`;
}

/** The groups' metrics, then the references' (in italics: measured alike, not trained models). */
export function metricsTable(groups: readonly Group[], references: readonly Group[] = []): string {
  const measuredInFeatures = groups.some((g) => g.runs.some((r) => r.metrics.featureSpace !== undefined));
  const COLUMNS = measuredInFeatures ? [...METRIC_COLUMNS, ...FEATURE_COLUMNS] : METRIC_COLUMNS;
  const header = `| group | seeds | ${COLUMNS.map(([h]) => h).join(" | ")} |`;
  const rule = `| --- | --- | ${COLUMNS.map(() => "---").join(" | ")} |`;
  const name = (g: Group) => (g.reference ? `*${g.name}*` : g.name);
  const rows = [...groups, ...references].map(
    (g) => `| ${name(g)} | ${g.runs.length} | ${COLUMNS.map(([, read]) => metricsCell(g.runs.map((r) => read(r.metrics)))).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}

/** The push sweep per greyscale group and k, mean over seeds ("" when no group has one). */
export function pushSweepTable(groups: readonly Group[]): string {
  const swept = groups.filter((g) => g.runs.some((r) => r.metrics.pushSweep?.length));
  if (swept.length === 0) return "";
  const lines = [
    "| group | k | gradient ratio | Laplacian-variance ratio | high-freq. ratio | MSE (sum per image) | in (0.1,0.9) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const g of swept) {
    const ks = [...new Set(g.runs.flatMap((r) => (r.metrics.pushSweep ?? []).map((row) => row.k)))].sort((a, b) => a - b);
    for (const k of ks) {
      const rows = g.runs.map((r) => r.metrics.pushSweep?.find((row) => row.k === k));
      const cell = (read: (row: NonNullable<(typeof rows)[number]>) => number) => metricsCell(rows.map((row) => (row ? read(row) : undefined)));
      lines.push(
        `| ${g.name} | ${k} | ${cell((r) => r.gradientRatio)} | ${cell((r) => r.laplacianRatio)} | ${cell((r) => r.highFrequencyRatio)} | ${cell((r) => r.mse)} | ${cell((r) => r.midGreyShare)} |`,
      );
    }
  }
  return lines.join("\n");
}

/** A table cell's text: a `|` inside it would end the cell. */
const escapeCell = (text: string) => text.replace(/\|/g, "\\|");

const verdictCell = (r: VerdictRow) =>
  `${r.role === "evidence" ? `**${r.verdict}**` : `*${r.role}*: ${r.outcome ?? "-"}`}${r.acrossDatasets ? `; ${r.acrossDatasets}` : ""}`;

/** Each comparison made on several datasets with what it found on each: empty for a one-dataset experiment. */
export function agreementTable(rows: readonly VerdictRow[]): string {
  // Comparisons made on one dataset only (e.g. networks trained on one of them) say so in their own rows.
  const agreements = comparedAcrossDatasets(rows);
  if (agreements.length === 0) return "";
  const datasets = [...new Set(agreements.flatMap((a) => a.findings.map((f) => f.dataset)))];
  const lines = [
    `| claim | networks | comparison | metric | ${datasets.join(" | ")} | datasets agree? |`,
    `| --- | --- | --- | --- | ${datasets.map(() => "---").join(" | ")} | --- |`,
  ];
  for (const a of agreements) {
    const on = (d: string) => a.findings.find((f) => f.dataset === d)?.finding ?? "not measured";
    lines.push(`| ${[a.claim, a.networks, a.comparison, a.metric, ...datasets.map(on)].map(escapeCell).join(" | ")} | ${a.agree ? "yes" : "**no**"} |`);
  }
  return lines.join("\n");
}

/** "on 9 of 12 comparisons made on every dataset, the datasets agree", for one claim's rows; undefined on one dataset. */
function agreementCount(rows: readonly VerdictRow[]): string | undefined {
  const agreements = comparedAcrossDatasets(rows);
  if (agreements.length === 0) return undefined;
  return `the datasets agree on ${agreements.filter((a) => a.agree).length} of ${agreements.length} comparisons`;
}

export function verdictTable(rows: readonly VerdictRow[]): string {
  const lines = [
    `| claim | comparison | metric | smallest effect of interest | effect: mean difference [${CONFIDENCE * 100}% CI]; relative to the baseline | difference test (p, Holm-adjusted p) | equivalence test (p, Holm-adjusted p) | verdict |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows)
    lines.push(`| ${[r.claim, r.comparison, r.metric, r.sesoi, r.effect, r.test, r.equivalence].map(escapeCell).join(" | ")} | ${verdictCell(r)} |`);
  return lines.join("\n");
}

/** Why each row outside the tally is there, one line per distinct reason. */
export function rowsOutsideTally(rows: readonly VerdictRow[]): string[] {
  const seen = new Map<string, string[]>();
  for (const r of rows) {
    if (r.role === "evidence") continue;
    const key = r.note ? `*${r.role}*: ${r.note}` : `*${r.role}*`;
    seen.set(key, [...(seen.get(key) ?? []), `${r.claim} ${r.comparison}, ${r.metric}`]);
  }
  return [...seen].map(([key, which]) => `${key} (${which.join("; ")})`);
}

/** One line per declared claim, tallying its evidence rows' verdicts (never a verdict the rows do not give). */
export function claimSummaries(claims: ReadonlyArray<{ id: string; statement: string }>, rows: readonly VerdictRow[]): string {
  return claims
    .map(({ id, statement }) => {
      const all = rows.filter((r) => r.claim === id);
      if (all.length === 0) return `- **${id}** ${statement} — *not measured in this experiment.*`;
      const tallyOf = (list: readonly VerdictRow[]) => {
        const tally = new Map<string, number>();
        for (const r of list) tally.set(r.verdict, (tally.get(r.verdict) ?? 0) + 1);
        return [...tally].map(([v, n]) => `${n} ${v}`).join(", ");
      };
      const evidence = all.filter((r) => r.role === "evidence");
      const others = all.filter((r) => r.role !== "evidence");
      const counts = evidence.length ? `rows: ${tallyOf(evidence)}` : "no row that decides it";
      const agreement = agreementCount(all);
      return `- **${id}** ${statement} — ${counts}${others.length ? `; outside the tally: ${tallyOf(others)}` : ""}${agreement ? `; ${agreement}` : ""}.`;
    })
    .join("\n");
}

/** The smallest effects of interest of the units the claims compare in, marking which the experiment file declared. */
export function sesoiLines(sesoi: Sesoi, declared: Partial<Sesoi>, units: readonly string[]): string[] {
  return units.map((m) => `\`${m}\`: ${formatNumber(sesoi[m])}${m in declared ? "" : " (default)"}`);
}

export interface ReportText {
  name: string;
  /** The question the experiment file asks: the title. */
  question?: string;
  description?: string;
  /** The claims the experiment file declares, in its order. */
  claims: ReadonlyArray<{ id: string; statement: string }>;
  setup: string[];
  confounds: string[];
  groups: readonly Group[];
  /** Reference groups (the class-mean oracle), measured alike and shown beside the groups. */
  references?: readonly Group[];
  rows: readonly VerdictRow[];
  /** The smallest effects of interest used, and those the experiment file declared. */
  sesoi: Sesoi;
  declaredSesoi: Partial<Sesoi>;
  /** The units of the metrics the claims compare (whose smallest effects the list shows). */
  sesoiUnits: readonly string[];
  caveats: readonly string[];
  /** Runs that failed to reconstruct inside groups that did (failedRunLine), named one by one. */
  failedRuns?: readonly string[];
  /** Completed runs that could not be measured (e.g. non-finite outputs), with the reason: left out of everything else. */
  unmeasured: readonly string[];
  figures: readonly Figure[];
  panels: Array<{ file: string; caption: string }>;
  lossFigures: string[];
  /** The rate–distortion section (families, matched-rate comparisons); empty or absent without a β sweep. */
  rateDistortion?: string[];
  /** The opening: a line per claim, then what qualifies them (answerLines). */
  answer?: readonly string[];
  /** Per group whether it converged, the groups that hit the epoch cap, and the learning curves. */
  convergence?: { table: string; caveats: string[]; figures: readonly Figure[] };
}

export function reportMarkdown(t: ReportText): string {
  const out: string[] = [];
  out.push(`# ${t.name}${t.question ? `: ${t.question}` : ""}`, "");
  if (t.answer?.length) out.push(...t.answer.map((line) => `- ${line}`), "");
  if (t.description) out.push(t.description.trim(), "");
  out.push(
    "Every number below is computed by `aelab report` from the runs' checkpoints; rebuild it with `aelab report <this folder>`. No verdict is written by hand.",
    "",
  );
  if (t.claims.length === 0) {
    out.push(
      "## Claims and verdicts",
      "",
      "The experiment file declares no claims, so there is nothing to test: the metrics, figures and convergence below describe the groups. Declare claims and their comparisons under `claims:` (see experiments/examples/) and rebuild the report.",
      "",
    );
  } else out.push("## Claims and verdicts", "", claimSummaries(t.claims, t.rows), "");
  const evidence = t.rows.filter((r) => r.role === "evidence" && r.p?.differenceAdjusted !== undefined).length;
  const outside = rowsOutsideTally(t.rows);
  out.push(
    `Verdicts: *holds/fails* for analytic checks. Each measured row compares two groups seed by seed (paired t-test of the differences) or a value against 0, and tests for equivalence: two one-sided t-tests of whether the difference lies within ± the smallest effect of interest (SESOI, in the metric's own units, declared in the experiment file). Both tests of every row in the tally form one family, adjusted by Holm's method (${evidence} rows, ${2 * evidence} tests); a verdict reads the adjusted p at ${ALPHA}: *equivalent* when the difference is shown smaller than the SESOI either way (even if it is also significant: real but too small to matter); otherwise *supported* when it is significant in the claimed direction, *contradicted* when significant the other way; *inconclusive* when neither test decides. For a claim of no difference (*equivalent*, e.g. no bias against 0), equivalence is *supported* and a significant difference *contradicted*. Effects are raw differences with their ${CONFIDENCE * 100}% confidence interval (Student's t) and, for paired rows, relative to the baseline group's own value. With few seeds the t-tests and intervals rest on the differences being roughly normal (an exact sign-flip test of 3 pairs cannot go below p = 0.25). A row with the same value in every seed has no spread to test against and is inconclusive. † marks a group whose reconstructions the dataset classifier recognises less than half the time, ‡ a group that hit the epoch cap before converging (see the caveats).`,
    "",
    verdictTable(t.rows),
    "",
  );
  const agreement = agreementTable(t.rows);
  if (agreement) {
    out.push(
      "### Do the datasets agree?",
      "",
      "Each comparison the experiment made on more than one dataset, with its verdict on each (for rows outside the tally, their role and what the numbers say). Each dataset's rows are tested on their own and are all in one Holm family, so a comparison can be decided on one dataset and not on another by power alone: *no* means the verdicts differ, not that an effect is shown to differ between the datasets.",
      "",
      agreement,
      "",
    );
  }
  if (outside.length)
    out.push(
      "Rows outside the tally and the Holm family (their last column says only whether the numbers differ, from the raw p-values):",
      "",
      ...outside.map((l) => `- ${l}`),
      "",
    );
  if (t.sesoiUnits.length)
    out.push(
      "Smallest effects of interest (a comparison that declares its own shows it in its row):",
      "",
      ...sesoiLines(t.sesoi, t.declaredSesoi, t.sesoiUnits).map((l) => `- ${l}`),
      "",
    );
  if (t.unmeasured.length) {
    out.push(
      "### Runs that could not be measured",
      "",
      "These completed runs are left out of every table and figure:",
      "",
      ...t.unmeasured.map((u) => `- ${u}`),
      "",
    );
  }
  const capped = t.convergence?.caveats ?? [];
  const failed = t.failedRuns ?? [];
  if (t.caveats.length || capped.length || failed.length) out.push(`### Caveats the numbers raise`, "");
  if (t.caveats.length)
    out.push(`Groups whose reconstructions a classifier recognises less than half the time (†):`, "", ...t.caveats.map((c) => `- ${c}`), "");
  if (failed.length)
    out.push(
      `Runs whose reconstructions the classifier recognises less than half the time, in groups that otherwise reconstruct:`,
      "",
      ...failed.map((c) => `- ${c}`),
      "",
    );
  if (capped.length) out.push(`Groups that hit the epoch cap before their validation loss stopped improving (‡):`, "", ...capped.map((c) => `- ${c}`), "");
  if (t.convergence) {
    out.push(
      "## Convergence",
      "",
      "Early stopping ends a run once its validation loss (a split carved from the training split) has stopped improving for the configured patience; a run that reaches the cap on epochs first has not converged. Best epoch and epochs run are min–max over seeds.",
      "",
      t.convergence.table,
      "",
    );
    for (const f of t.convergence.figures) out.push(`### ${f.title}`, "", `![${f.title}](${f.file})`, "", f.caption, "");
  }
  out.push("## Setup", "", ...t.setup.map((s) => `- ${s}`), "");
  if (t.confounds.length) out.push("## Confounds and how they are controlled", "", ...t.confounds.map((s) => `- ${s.trim()}`), "");
  const references = t.references ?? [];
  out.push("## Metrics per group (mean ± std over seeds)", "", metricsTable(t.groups, references), "");
  if (references.length) {
    out.push(
      `In italics: ${references.map((g) => g.name).join(", ")}, not a trained model: every test image predicted by its class's mean training image (thresholded for threshold runs), measured with the same metrics on each seed's test split. It is a conditional-mean model, hence unbiased, so its row shows what an unbiased model scores on each metric; it is never part of a verdict's tally.`,
      "",
    );
  }
  out.push(
    `${featureSpaceNote(t.groups)}MSE, BCE and L1 are sums over an image's pixels, averaged over images (as the training losses are); PSNR is the mean of per-image PSNRs. A value that is not finite (NaN or infinite) is left out of its cell's mean and counted in the cell. Metrics are measured on each run's test split against its own targets (binarized where the run trained on binarized data). Sharpness ratios are the outputs' over the targets' (the *vs greyscale targets* columns over the unbinarized test images, the same for every run of a seed). The reliability pull is mean sign(y − ½)·(y − x), conditioned on the output only: 0 in expectation for an unbiased model; the mean absolute bias averages |E[x − y | y in bin]| over ten output bins (positive on finite data even for an unbiased model). *Pull to ½ (target-based)* is mean |y − ½| − mean |x − ½|, which an unbiased model also scores negative (it shrinks toward the data mean). FD: Frechet distance in the feature space of a small MLP classifier trained once per dataset split (a dataset-specific FID, not the Inception FID); FD samples compares decoded prior draws with the test targets. MS-SSIM uses as many scales as the images fit; LFD is the log frequency distance (Jiang et al. 2021); the spectrum distance compares the outputs' normalised radial log power spectrum with the targets' (docs/metrics.md).`,
    "",
  );
  const sweep = pushSweepTable(t.groups);
  if (sweep) {
    out.push(
      "### The push sweep (mean ± std over seeds)",
      "",
      "Each greyscale-trained group's test outputs pushed away from 0.5 by sigmoid(k·logit y) (k = 1: as trained), each measured against the same greyscale targets: ratios are the pushed outputs' sharpness over the targets'.",
      "",
      sweep,
      "",
    );
  }
  if (t.rateDistortion?.length) out.push(...t.rateDistortion);
  out.push("## Figures", "");
  for (const f of t.figures) out.push(`### ${f.title}`, "", `![${f.title}](${f.file})`, "", f.caption, "");
  for (const p of t.panels) out.push(`![reconstructions](${p.file})`, "", p.caption, "");
  if (t.lossFigures.length) {
    out.push("### The losses themselves (the analytic checks)", "");
    for (const f of t.lossFigures) out.push(`![${f}](${f})`, "");
  }
  return `${out.join("\n")}\n`;
}
