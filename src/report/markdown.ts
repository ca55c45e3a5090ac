import { meanStd } from "../metrics/index.js";
import { ALPHA, CLAIMS, type VerdictRow } from "./claims.js";
import type { Figure } from "./figures.js";
import type { Group } from "./groups.js";
import type { RunMetrics } from "./run-metrics.js";

/** The metrics table's columns: header, how to read the value, and digits. */
const COLUMNS: Array<[string, (m: RunMetrics) => number | undefined, number]> = [
  ["MSE", (m) => m.mse, 2],
  ["BCE", (m) => m.bce, 1],
  ["L1", (m) => m.l1, 1],
  ["PSNR dB", (m) => m.psnr, 2],
  ["SSIM", (m) => m.ssim, 3],
  ["sharpness (grad)", (m) => m.sharpnessRatio.gradient, 3],
  ["sharpness (Lap. var)", (m) => m.sharpnessRatio.laplacianVariance, 3],
  ["pull to ½", (m) => m.pullTowardHalf, 4],
  ["signed err (x>0)", (m) => m.signedErrorNonZero, 4],
  ["W1", (m) => m.wasserstein, 4],
  ["in (0.1,0.9)", (m) => m.midGreyOutput, 3],
  ["classifier acc", (m) => m.classifierAccuracy, 3],
  ["FD recon", (m) => m.reconstructionFrechet, 2],
  ["FD samples", (m) => m.sampleFrechet, 2],
];

function cell(values: Array<number | undefined>, digits: number): string {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (present.length === 0) return "–";
  const { mean, std } = meanStd(present);
  return present.length > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

export function metricsTable(groups: readonly Group[]): string {
  const header = `| group | seeds | ${COLUMNS.map(([h]) => h).join(" | ")} |`;
  const rule = `| --- | --- | ${COLUMNS.map(() => "---").join(" | ")} |`;
  const rows = groups.map((g) => `| ${g.name} | ${g.runs.length} | ${COLUMNS.map(([, read, d]) => cell(g.runs.map((r) => read(r.metrics)), d)).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}

/** A table cell's text: a `|` inside it would end the cell. */
const escapeCell = (text: string) => text.replace(/\|/g, "\\|");

export function verdictTable(rows: readonly VerdictRow[]): string {
  const lines = ["| claim | comparison | metric | effect: mean ± sd over seeds (effect size) | test | verdict |", "| --- | --- | --- | --- | --- | --- |"];
  for (const r of rows) lines.push(`| ${[r.claim, r.comparison, r.metric, r.effect, r.test].map(escapeCell).join(" | ")} | **${r.verdict}** |`);
  return lines.join("\n");
}

/** One sentence per claim, tallying its rows' verdicts (never a verdict the rows do not give). */
export function claimSummaries(rows: readonly VerdictRow[]): string {
  return Object.entries(CLAIMS)
    .map(([id, text]) => {
      const mine = rows.filter((r) => r.claim === id);
      if (mine.length === 0) return `- **${id}** ${text} — *not measured in this experiment.*`;
      const tally = new Map<string, number>();
      for (const r of mine) tally.set(r.verdict, (tally.get(r.verdict) ?? 0) + 1);
      const counts = [...tally].map(([v, n]) => `${n} ${v}`).join(", ");
      return `- **${id}** ${text} — rows: ${counts}.`;
    })
    .join("\n");
}

export interface ReportText {
  name: string;
  description?: string;
  setup: string[];
  confounds: string[];
  groups: readonly Group[];
  rows: readonly VerdictRow[];
  caveats: readonly string[];
  figures: readonly Figure[];
  panels: Array<{ file: string; caption: string }>;
  lossFigures: string[];
}

export function reportMarkdown(t: ReportText): string {
  const out: string[] = [];
  out.push(`# ${t.name}: which reconstruction loss, and why?`, "");
  if (t.description) out.push(t.description.trim(), "");
  out.push("Every number below is computed by `aelab report` from the runs' checkpoints; rebuild it with `aelab report <this folder>`. No verdict is written by hand.", "");
  out.push("## Claims and verdicts", "", claimSummaries(t.rows), "");
  out.push(
    `Verdicts: *holds/fails* for analytic checks; for measured ones, *supported* when the difference has the claimed sign with p < ${ALPHA} (paired t-test over seeds), *contradicted* when it is significant the other way, *inconclusive* otherwise; for claims of no bias, *not rejected* unless significantly non-zero (which is not evidence of zero). With few seeds a t-test has little power, and with ${t.rows.filter((r) => r.test.startsWith("paired") || r.test.startsWith("one-sample")).length} tests at p < ${ALPHA} without correction a few significant rows are expected by chance: read the effect sizes, not only the verdicts. † marks a group whose reconstructions the dataset classifier recognises less than half the time (see the caveats).`,
    "",
    verdictTable(t.rows),
    "",
  );
  if (t.caveats.length) {
    out.push(`### Caveats the numbers raise`, "", `Groups whose reconstructions a classifier recognises less than half the time (†):`, "", ...t.caveats.map((c) => `- ${c}`), "");
  }
  out.push("## Setup", "", ...t.setup.map((s) => `- ${s}`), "");
  out.push("## Confounds and how they are controlled", "", ...t.confounds.map((s) => `- ${s}`), "");
  out.push("## Metrics per group (mean ± std over seeds)", "", metricsTable(t.groups), "");
  out.push(
    "Metrics are measured on each run's test split against its own targets (binarized where the run trained on binarized data). Sharpness ratios are the outputs' over the targets'. FD: Frechet distance in the feature space of a small MLP classifier trained once per dataset split (a dataset-specific FID, not the Inception FID); FD samples compares decoded prior draws with the test targets.",
    "",
  );
  out.push("## Figures", "");
  for (const f of t.figures) out.push(`### ${f.title}`, "", `![${f.title}](${f.file})`, "", f.caption, "");
  for (const p of t.panels) out.push(`![reconstructions](${p.file})`, "", p.caption, "");
  if (t.lossFigures.length) {
    out.push("### The losses themselves (C1, C2)", "");
    for (const f of t.lossFigures) out.push(`![${f}](${f})`, "");
  }
  return `${out.join("\n")}\n`;
}
