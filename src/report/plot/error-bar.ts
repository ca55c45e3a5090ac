import type { TopLevelSpec } from "vega-lite";
import { renderChart, type Chart } from "./chart.js";
import { PlotError } from "./errors.js";
import type { ReferenceLine } from "./line.js";
import { CHART_CONFIG, DEFAULT_HEIGHT, PALETTE } from "./style.js";
import { requireDomain, requireFinite, requireSize, requireUniqueNames } from "./validate.js";

/** One group (a config, a loss): its mean over runs or seeds and the spread drawn as mean +- std. */
export interface ErrorBarGroup {
  label: string;
  mean: number;
  /** >= 0; NaN or infinite (e.g. a single run) draws the mean without whiskers. */
  std: number;
  color?: string;
}

export interface ErrorBarChartOptions {
  title: string;
  subtitle?: string;
  yLabel: string;
  xLabel?: string;
  groups: ErrorBarGroup[];
  /** "point" (default): a dot at the mean; "bar": a bar from 0 to the mean. Whiskers span mean +- std either way. */
  style?: "point" | "bar";
  /** Print "mean ± std" above each whisker. */
  showValues?: boolean;
  rules?: ReferenceLine[];
  yDomain?: [number, number];
  /** The y axis includes 0 (default: true for bars, false for points). */
  yZero?: boolean;
  /** Degrees for the group labels; by default 0, or -30 when some label is long or there are many groups. */
  labelAngle?: number;
  width?: number;
  height?: number;
}

/** One dot or bar per group, in the given order, with +-std whiskers. Every mean must be finite. */
export function errorBarChart(o: ErrorBarChartOptions): Promise<Chart> {
  const what = `error-bar chart "${o.title}"`;
  requireUniqueNames(
    o.groups.map((g) => g.label),
    `${what}: groups`,
  );
  const rows = o.groups.map((g, i) => {
    const mean = requireFinite(g.mean, `${what}: groups[${i}] ("${g.label}") mean`);
    if (g.std < 0) throw new PlotError(`${what}: groups[${i}] ("${g.label}") std must be >= 0 (got ${g.std})`);
    // A NaN std (one run, no spread to estimate) draws the mean without whiskers rather than failing the figure.
    const std = Number.isFinite(g.std) ? g.std : null;
    const text = std === null ? formatNumber(mean) : `${formatNumber(mean)} ± ${formatNumber(std)}`;
    return { label: g.label, mean, lo: std === null ? null : mean - std, hi: std === null ? null : mean + std, top: mean + (std ?? 0), text };
  });
  const style = o.style ?? "point";
  const yDomain = requireDomain(o.yDomain, `${what}: yDomain`);
  const width = requireSize(o.width, Math.max(160, 70 * o.groups.length), `${what}: width`);
  const height = requireSize(o.height, DEFAULT_HEIGHT, `${what}: height`);
  const rules = o.rules ?? [];
  rules.forEach((r, i) => requireFinite(r.y, `${what}: rules[${i}].y`));
  const clip = yDomain !== undefined;

  const labels = rows.map((r) => r.label);
  const colors = o.groups.map((g, i) => g.color ?? PALETTE[i % PALETTE.length]);
  const x = {
    field: "label",
    type: "nominal",
    title: o.xLabel ?? null,
    sort: labels,
    axis: { labelAngle: o.labelAngle ?? defaultAngle(labels), labelLimit: 180 },
  };
  const yScale = { zero: o.yZero ?? style === "bar", nice: yDomain === undefined, ...(yDomain && { domain: yDomain }) };
  const color = { field: "label", type: "nominal", legend: null, scale: { domain: labels, range: colors } };

  const layer: unknown[] = [];
  if (style === "bar") {
    layer.push({
      mark: { type: "bar", opacity: 0.55, width: { band: 0.6 }, clip },
      encoding: { x, y: { field: "mean", type: "quantitative", title: o.yLabel, scale: yScale }, color },
    });
  }
  // Whiskers only when some group has a spread: vega fails on a layer whose every y is null (one seed per group).
  if (rows.some((r) => r.lo !== null)) {
    layer.push(
      {
        mark: { type: "rule", strokeWidth: 1.5, clip },
        encoding: { x, y: { field: "lo", type: "quantitative", title: o.yLabel, scale: yScale }, y2: { field: "hi" }, color },
      },
      { mark: { type: "tick", thickness: 1.5, size: 12, clip }, encoding: { x, y: { field: "lo", type: "quantitative" }, color } },
      { mark: { type: "tick", thickness: 1.5, size: 12, clip }, encoding: { x, y: { field: "hi", type: "quantitative" }, color } },
    );
  }
  if (style === "point") {
    layer.push({
      mark: { type: "point", filled: true, size: 60, opacity: 1, clip },
      encoding: { x, y: { field: "mean", type: "quantitative", title: o.yLabel, scale: yScale }, color },
    });
  }
  if (o.showValues) {
    layer.push({
      mark: { type: "text", baseline: "bottom", dy: -4, fontSize: 10, color: "#333333", clip },
      encoding: { x, y: { field: "top", type: "quantitative" }, text: { field: "text" } },
    });
  }
  for (const r of rules) {
    layer.push({
      data: { values: [{ y: r.y }] },
      mark: { type: "rule", color: "#888888", strokeDash: [4, 3], clip },
      encoding: { y: { field: "y", type: "quantitative" } },
    });
  }

  return renderChart({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width,
    height,
    data: { values: rows },
    layer,
  } as TopLevelSpec);
}

function defaultAngle(labels: string[]): number {
  return labels.length > 6 || labels.some((l) => l.length > 10) ? -30 : 0;
}

/** Four significant digits, without exponent noise for ordinary loss values. */
function formatNumber(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}
