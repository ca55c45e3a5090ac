import { confidenceInterval, meanStd, pairedComparison } from "../metrics/stats.js";
import { CONFIDENCE } from "./rows.js";
import { formatNumber } from "./format.js";
import { formatRate, SECTION_METRICS, type MatchedComparison, type RateDistortion, type RdFamily } from "./rate-distortion.js";
import type { RunMetrics } from "../metrics/measured.js";

function meanAndStd(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return "-";
  const { mean, std } = meanStd(finite);
  return Number.isFinite(std) ? `${formatNumber(mean)} ± ${formatNumber(std)}` : formatNumber(mean);
}

/** One row per β: rate, distortion and the sharpness metrics, mean ± std over seeds. */
function familyTable(f: RdFamily): string[] {
  const columns: Array<[string, (m: RunMetrics) => number]> = [
    ["rate (nats)", (m) => m.rate ?? NaN],
    ["distortion (MSE)", (m) => m.mse],
    ["gradient ratio", (m) => m.sharpnessRatio.gradient],
    ["high-freq. ratio", (m) => m.highFrequencyRatio.ownTargets],
    ["reliability pull", (m) => m.reliability.pull],
  ];
  return [
    `| β | seeds | ${columns.map(([c]) => c).join(" | ")} |`,
    `| --- | --- | ${columns.map(() => "---").join(" | ")} |`,
    ...f.groups.map(
      (g) => `| ${g.traits.beta} | ${g.runs.length} | ${columns.map(([, read]) => meanAndStd(g.runs.map((r) => read(r.metrics)))).join(" | ")} |`,
    ),
  ];
}

/** A difference's mean with its confidence interval, or why there is none. */
function difference(a: number[], b: number[]): string {
  if (a.length < 2) return `${a.length} seed(s)`;
  const test = pairedComparison(a, b);
  if (test.zeroSpread) return `${formatNumber(test.meanDiff)} in every seed`;
  const ci = confidenceInterval(test, CONFIDENCE);
  return `${formatNumber(test.meanDiff)} [${formatNumber(ci.lo)}, ${formatNumber(ci.hi)}]`;
}

function comparisonLines(c: MatchedComparison): string[] {
  const title = `**${c.a.name} − ${c.b.name}**`;
  const spans = `${c.a.name} spans ${c.spans.a ? `${formatNumber(c.spans.a.lo)}–${formatRate(c.spans.a.hi)}` : "no rates"}, ${c.b.name} ${c.spans.b ? `${formatNumber(c.spans.b.lo)}–${formatRate(c.spans.b.hi)}` : "no rates"}`;
  if (c.seeds.length === 0) return [`${title}: no seed has a curve (two or more measured rates) for both; not compared.`, ""];
  if (!c.overlap) {
    const range = (r: { lo: number; hi: number }) => `${formatNumber(r.lo)}–${formatNumber(r.hi)}`;
    const bySeed = c.perSeed.map((p) => `seed ${p.seed}: ${range(p.a)} vs ${range(p.b)}`).join("; ");
    return [
      `${title}: no rate lies on both curves in every seed (nats, ${c.a.name} vs ${c.b.name}, ${bySeed}), so the curves do not overlap in rate; not compared at matched rate, since that would mean extrapolating a curve beyond the β values it was measured at.`,
      "",
    ];
  }
  return [
    `${title}: overlap ${formatNumber(c.overlap.lo)}–${formatRate(c.overlap.hi)} (every seed's curves of both cover it; ${spans}); seeds ${c.seeds.join(", ")}. Mean difference over seeds [${CONFIDENCE * 100}% CI]:`,
    "",
    `| matched rate | ${SECTION_METRICS.map((m) => m.heading).join(" | ")} |`,
    `| --- | ${SECTION_METRICS.map(() => "---").join(" | ")} |`,
    ...c.rates.map((rate) => {
      const cells = SECTION_METRICS.map(({ metric }) => {
        const cell = c.cells.find((x) => x.rate === rate && x.metric === metric.name)!;
        return difference(cell.a, cell.b);
      });
      return `| ${formatRate(rate)} | ${cells.join(" | ")} |`;
    }),
    "",
  ];
}

/** The report's rate–distortion section: each likelihood's curve as a table, then every pair along the curves. */
export function rateDistortionSection(rd: RateDistortion): string[] {
  if (rd.families.length === 0 && rd.notes.length === 0) return [];
  const out = [
    "## Rate–distortion",
    "",
    "A likelihood's scale sets how much its β weighs, so comparing likelihoods at one β each compares points at different places on their trade-off. Here each likelihood's β sweep is a curve of distortion (test MSE) against rate (the test KL of q(z|x) to the prior, nats per image), and likelihoods are compared at matched rate: per seed, each metric is interpolated along each curve, piecewise linear in log rate, at rates inside the range both curves cover in every seed, and the differences are paired across seeds. Outside that overlap nothing is compared (no extrapolation). Comparisons the experiment file declares `along` the β axis are in the verdict table, tested and adjusted with the others; every pair is shown here.",
    "",
  ];
  for (const f of rd.families) out.push(`### ${f.name}`, "", ...familyTable(f), "");
  if (rd.comparisons.length) out.push("### At matched rate", "");
  for (const c of rd.comparisons) out.push(...comparisonLines(c));
  if (rd.notes.length) out.push(...rd.notes.map((n) => `- ${n}`), "");
  return out;
}
