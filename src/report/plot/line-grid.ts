import type { TopLevelSpec } from "vega-lite";
import { renderChart, type Chart } from "./chart.js";
import { PlotError } from "./errors.js";
import { lineChartView, type LineChartOptions } from "./line.js";
import { CHART_CONFIG } from "./style.js";

export interface LineChartGridOptions {
  title?: string;
  subtitle?: string;
  /** Panels per row; default: all in one row. */
  columns?: number;
}

/**
 * Small multiples: several line charts in one figure, each with its own axes, sharing one legend
 * (series with the same name get the same colour and dash in every panel).
 */
export function lineChartGrid(charts: LineChartOptions[], o: LineChartGridOptions = {}): Promise<Chart> {
  if (charts.length === 0) throw new PlotError(`line chart grid${o.title ? ` "${o.title}"` : ""}: no charts to draw`);
  const columns = o.columns ?? charts.length;
  if (!Number.isInteger(columns) || columns < 1) throw new PlotError(`line chart grid: columns must be a whole number >= 1 (got ${columns})`);
  // The views are plain objects (Vega-Lite's generic spec types do not check nested views usefully); compile validates them.
  return renderChart({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    ...(o.title && { title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title }),
    columns,
    spacing: 24,
    concat: charts.map(lineChartView),
    resolve: { scale: { x: "independent", y: "independent" } },
  } as unknown as TopLevelSpec);
}
