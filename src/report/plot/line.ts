import type { TopLevelSpec } from "vega-lite";
import { renderChart, type Chart } from "./chart.js";
import { PlotError } from "./errors.js";
import { CHART_CONFIG, DEFAULT_HEIGHT, DEFAULT_WIDTH, PALETTE } from "./style.js";
import { requireDomain, requireFinite, requireSize, requireUniqueNames } from "./validate.js";

export interface Point {
  x: number;
  y: number;
}

/**
 * One line. Every x must be finite; a y that is NaN or infinite (a diverged loss, a log of 0) is drawn
 * as a gap in the line. A series with no finite y at all is an error.
 */
export interface Series {
  name: string;
  points: Point[];
  dashed?: boolean;
  /** CSS colour; by default the palette colour of the series' position. */
  color?: string;
}

/** A labelled dot, e.g. the example points of a claim. */
export interface MarkedPoint {
  x: number;
  y: number;
  /** Drawn beside the dot; "" for none. */
  label: string;
  /** Which side of the dot the label goes: "right" (default) or "left". */
  side?: "left" | "right";
}

/** A horizontal reference line, e.g. the limit a ratio tends to. */
export interface ReferenceLine {
  y: number;
  label?: string;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  marks?: MarkedPoint[];
  rules?: ReferenceLine[];
  /** Fixed axis ranges; lines leaving them are clipped. Without them the axes fit the data (not forced to include 0). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  width?: number;
  height?: number;
  /** A thin line at y = 0. */
  zeroLine?: boolean;
  /** x takes whole numbers only (epochs): ticks at integers, printed without decimals. */
  integerX?: boolean;
  /** A log y axis, for lines whose levels differ by orders of magnitude; every y must then be > 0. */
  logY?: boolean;
}

/** A line chart rendered to SVG and PNG. */
export function lineChart(o: LineChartOptions): Promise<Chart> {
  return renderChart({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", config: CHART_CONFIG, ...lineChartView(o) } as TopLevelSpec);
}

/** The Vega-Lite view of a line chart, without top-level config: lineChart renders it alone, lineChartGrid side by side. */
export function lineChartView(o: LineChartOptions): Record<string, unknown> {
  requireUniqueNames(
    o.series.map((s) => s.name),
    `line chart "${o.title}": series`,
  );
  const xDomain = requireDomain(o.xDomain, `line chart "${o.title}": xDomain`);
  const yDomain = requireDomain(o.yDomain, `line chart "${o.title}": yDomain`);
  const width = requireSize(o.width, DEFAULT_WIDTH, `line chart "${o.title}": width`);
  const height = requireSize(o.height, DEFAULT_HEIGHT, `line chart "${o.title}": height`);
  const clip = xDomain !== undefined || yDomain !== undefined;

  const rows = o.series.flatMap((s) => seriesRows(s, o.title));
  const names = o.series.map((s) => s.name);
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const dashes = o.series.map((s) => (s.dashed ? [6, 4] : [1, 0]));
  const x = {
    field: "x",
    type: "quantitative",
    title: o.xLabel,
    scale: { zero: false, nice: xDomain === undefined, ...(xDomain && { domain: xDomain }) },
    ...(o.integerX ? { axis: { format: "d", tickMinStep: 1 } } : {}),
  };
  if (o.logY) {
    for (const s of o.series) {
      for (const p of s.points)
        if (Number.isFinite(p.y) && p.y <= 0) throw new PlotError(`line chart "${o.title}": series "${s.name}" has y = ${p.y}, which a log axis cannot show`);
    }
  }
  const y = {
    field: "y",
    type: "quantitative",
    title: o.yLabel,
    scale: { ...(o.logY ? { type: "log" } : { zero: false }), nice: yDomain === undefined, ...(yDomain && { domain: yDomain }) },
  };

  const rules = o.rules ?? [];
  rules.forEach((r, i) => requireFinite(r.y, `line chart "${o.title}": rules[${i}].y`));
  const marks = o.marks ?? [];
  marks.forEach((m, i) => {
    requireFinite(m.x, `line chart "${o.title}": marks[${i}].x`);
    requireFinite(m.y, `line chart "${o.title}": marks[${i}].y`);
  });

  const layer: unknown[] = [];
  if (o.zeroLine) {
    layer.push({
      data: { values: [{ y: 0 }] },
      mark: { type: "rule", color: "#666666", strokeWidth: 1, clip },
      encoding: { y: { field: "y", type: "quantitative" } },
    });
  }
  if (rules.length > 0) {
    layer.push({
      data: { values: rules.map((r) => ({ y: r.y, label: r.label ?? "" })) },
      mark: { type: "rule", color: "#888888", strokeDash: [4, 3], clip },
      encoding: { y: { field: "y", type: "quantitative" } },
    });
    layer.push({
      data: { values: rules.filter((r) => r.label).map((r) => ({ y: r.y, label: r.label })) },
      mark: { type: "text", align: "right", baseline: "bottom", dx: -4, dy: -2, color: "#555555", fontSize: 11, clip },
      encoding: { y: { field: "y", type: "quantitative" }, x: { value: width }, text: { field: "label" } },
    });
  }
  layer.push({
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2, clip },
    encoding: {
      x,
      y,
      color: { field: "series", type: "nominal", title: null, scale: { domain: names, range: colors }, sort: names },
      strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: names, range: dashes }, sort: names },
    },
  });
  if (marks.length > 0) {
    layer.push({
      data: { values: marks.map(({ x, y }) => ({ x, y })) },
      mark: { type: "point", filled: true, size: 45, color: "#222222", opacity: 1, clip },
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    });
    for (const side of ["right", "left"] as const) {
      const labelled = marks.filter((m) => m.label !== "" && (m.side ?? "right") === side);
      if (labelled.length === 0) continue;
      layer.push({
        data: { values: labelled },
        mark: {
          type: "text",
          align: side === "right" ? "left" : "right",
          baseline: "bottom",
          dx: side === "right" ? 5 : -5,
          dy: -3,
          fontSize: 11,
          color: "#222222",
          clip,
        },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, text: { field: "label" } },
      });
    }
  }
  return { title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title, width, height, layer };
}

function seriesRows(s: Series, title: string): Array<{ series: string; x: number; y: number | null }> {
  if (s.points.length === 0) throw new PlotError(`line chart "${title}": series "${s.name}" has no points`);
  const rows = s.points.map((p, i) => ({
    series: s.name,
    x: requireFinite(p.x, `line chart "${title}": series "${s.name}" point ${i} x`),
    // null, not NaN: Vega-Lite leaves invalid values out of the scale's domain and breaks the line there.
    y: Number.isFinite(p.y) ? p.y : null,
  }));
  if (rows.every((r) => r.y === null)) throw new PlotError(`line chart "${title}": series "${s.name}" has no finite y value`);
  return rows;
}
