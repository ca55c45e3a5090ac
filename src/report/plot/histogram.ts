import type { TopLevelSpec } from "vega-lite";
import { renderChart, type Chart } from "./chart.js";
import { PlotError } from "./errors.js";
import { CHART_CONFIG, DEFAULT_HEIGHT, DEFAULT_WIDTH, PALETTE } from "./style.js";
import { requireDomain, requireSize, requireUniqueNames } from "./validate.js";

/** Counts per bin; bin i is [edges[i], edges[i + 1]), so there is one more edge than counts. */
export interface HistogramSeries {
  name: string;
  edges: number[];
  counts: number[];
  color?: string;
  /** Step mode only. */
  dashed?: boolean;
}

export interface HistogramChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  /** Default "share of values". */
  yLabel?: string;
  series: HistogramSeries[];
  /** "step" (default): overlaid outlines, readable for several series; "bars": translucent filled bars. */
  mode?: "step" | "bars";
  /** Log-scaled shares (step mode only); empty bins are then gaps. */
  logY?: boolean;
  xDomain?: [number, number];
  width?: number;
  height?: number;
}

/**
 * Overlaid histograms, each normalised to shares of its own total, so series of different sizes
 * (a test split and a train split, inputs and reconstructions) compare directly.
 */
export function histogramChart(o: HistogramChartOptions): Promise<Chart> {
  const what = `histogram "${o.title}"`;
  requireUniqueNames(
    o.series.map((s) => s.name),
    `${what}: series`,
  );
  const mode = o.mode ?? "step";
  if (o.logY && mode === "bars") throw new PlotError(`${what}: logY needs mode "step" (a bar on a log scale has no baseline)`);
  const xDomain = requireDomain(o.xDomain, `${what}: xDomain`);
  const width = requireSize(o.width, DEFAULT_WIDTH, `${what}: width`);
  const height = requireSize(o.height, DEFAULT_HEIGHT, `${what}: height`);
  const clip = xDomain !== undefined;

  const bins = o.series.map((s) => shares(s, what));
  const names = o.series.map((s) => s.name);
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const dashes = o.series.map((s) => (s.dashed ? [6, 4] : [1, 0]));
  const x = { field: "x", type: "quantitative", title: o.xLabel, scale: { zero: false, nice: false, ...(xDomain && { domain: xDomain }) } };
  const yTitle = o.yLabel ?? "share of values";
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names, range: colors }, sort: names };
  const strokeDash = { field: "series", type: "nominal", title: null, scale: { domain: names, range: dashes }, sort: names };

  let layer: unknown;
  if (mode === "bars") {
    const rows = bins.flatMap((b) => b.map(({ series, lo, hi, share }) => ({ series, x: lo, x2: hi, y: share })));
    layer = {
      data: { values: rows },
      mark: { type: "rect", fillOpacity: 0.4, strokeWidth: 1, clip },
      encoding: { x, x2: { field: "x2" }, y: { field: "y", type: "quantitative", title: yTitle }, y2: { datum: 0 }, color, stroke: color },
    };
  } else {
    const rows = bins.flatMap((b) => stepRows(b, o.logY === true));
    layer = {
      data: { values: rows },
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.8, clip },
      encoding: {
        x,
        y: { field: "y", type: "quantitative", title: yTitle, scale: o.logY ? { type: "log" } : { zero: true } },
        order: { field: "i", type: "quantitative" },
        color,
        strokeDash,
      },
    };
  }
  return renderChart({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width,
    height,
    layer: [layer],
  } as TopLevelSpec);
}

interface Bin {
  series: string;
  lo: number;
  hi: number;
  share: number;
}

function shares(s: HistogramSeries, what: string): Bin[] {
  const where = `${what}: series "${s.name}"`;
  if (s.counts.length === 0) throw new PlotError(`${where} has no bins`);
  if (s.edges.length !== s.counts.length + 1) {
    throw new PlotError(`${where} needs one more edge than counts (got ${s.edges.length} edges, ${s.counts.length} counts)`);
  }
  s.edges.forEach((e, i) => {
    if (!Number.isFinite(e)) throw new PlotError(`${where}: edges[${i}] must be finite (got ${e})`);
    if (i > 0 && !(e > s.edges[i - 1])) throw new PlotError(`${where}: edges must increase (edges[${i}] = ${e} after ${s.edges[i - 1]})`);
  });
  s.counts.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0) throw new PlotError(`${where}: counts[${i}] must be a finite number >= 0 (got ${c})`);
  });
  const total = s.counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new PlotError(`${where}: every count is 0, so there are no shares to draw`);
  return s.counts.map((c, i) => ({ series: s.name, lo: s.edges[i], hi: s.edges[i + 1], share: c / total }));
}

/** The outline of one histogram as a step-after line: up from the baseline, across every bin, down at the end. */
function stepRows(bins: Bin[], logY: boolean): Array<{ series: string; i: number; x: number; y: number | null }> {
  const series = bins[0].series;
  const level = (share: number) => (logY && share === 0 ? null : share);
  const rows = bins.map((b) => ({ x: b.lo, y: level(b.share) }));
  rows.push({ x: bins[bins.length - 1].hi, y: level(bins[bins.length - 1].share) });
  // On a log scale there is no 0 to rise from or fall back to.
  const outline = logY ? rows : [{ x: bins[0].lo, y: 0 }, ...rows, { x: bins[bins.length - 1].hi, y: 0 }];
  return outline.map((r, i) => ({ series, i, ...r }));
}
