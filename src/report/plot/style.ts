import type { Config } from "vega-lite";

/**
 * Tableau 10 reordered so the first two series (usually the two losses compared) are blue and orange,
 * which stay distinguishable for the common colour-vision deficiencies.
 */
export const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"];

export const DEFAULT_WIDTH = 360;
export const DEFAULT_HEIGHT = 240;

/** Printed figures: a white background (PNG has no page colour behind it) and slightly larger text than Vega's default. */
export const CHART_CONFIG: Config = {
  background: "white",
  font: "sans-serif",
  title: { fontSize: 14, anchor: "start", offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "right", symbolStrokeWidth: 2, labelLimit: 280 },
  view: { stroke: "#bbbbbb" },
};
