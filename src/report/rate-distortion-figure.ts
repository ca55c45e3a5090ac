import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { meanStd } from "../metrics/stats.js";
import type { Figure } from "./figures.js";
import { renderChart, type Chart } from "./plot/index.js";
import { CHART_CONFIG, DEFAULT_HEIGHT, PALETTE } from "./plot/style.js";
import { formatRate, type RateDistortion } from "./rate-distortion.js";

export const RATE_DISTORTION_FILE = "fig-rate-distortion";

interface Row {
  family: string;
  beta: number;
  rate: number;
  distortion: number;
}

/** Per family and β, the mean over seeds of rate and distortion (seeds with both finite and a positive rate). */
function meanRows(rd: RateDistortion): Row[] {
  return rd.families.flatMap((f) =>
    f.groups.flatMap((g) => {
      const runs = g.runs.filter((r) => (r.metrics.rate ?? NaN) > 0 && Number.isFinite(r.metrics.mse));
      if (runs.length === 0) return [];
      return [
        { family: f.name, beta: g.traits.beta, rate: meanStd(runs.map((r) => r.metrics.rate!)).mean, distortion: meanStd(runs.map((r) => r.metrics.mse)).mean },
      ];
    }),
  );
}

function seedRows(rd: RateDistortion): Array<Row & { seed: number }> {
  return rd.families.flatMap((f) =>
    f.groups.flatMap((g) =>
      g.runs
        .filter((r) => (r.metrics.rate ?? NaN) > 0 && Number.isFinite(r.metrics.mse))
        .map((r) => ({ family: f.name, beta: g.traits.beta, seed: r.traits.seed, rate: r.metrics.rate!, distortion: r.metrics.mse })),
    ),
  );
}

/** The Vega-Lite spec: distortion against rate (log axis: a β sweep spans orders of magnitude of KL), one line per likelihood. */
export function rateDistortionSpec(rd: RateDistortion, matched: readonly number[] = []): TopLevelSpec | undefined {
  const means = meanRows(rd);
  if (means.length === 0) return undefined;
  const names = rd.families.map((f) => f.name);
  const color = {
    field: "family",
    type: "nominal",
    title: null,
    scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) },
    sort: names,
  };
  const x = { field: "rate", type: "quantitative", title: "rate: KL(q(z|x) ‖ p(z)), nats per image (log scale)", scale: { type: "log", nice: false } };
  const y = { field: "distortion", type: "quantitative", title: "distortion: test MSE (sum per image)", scale: { zero: false } };
  const layer: unknown[] = [
    {
      data: { values: seedRows(rd) },
      mark: { type: "point", size: 28, opacity: 0.55, filled: false },
      encoding: { x, y, color, tooltip: [{ field: "family" }, { field: "beta" }, { field: "seed" }] },
    },
    {
      data: { values: means },
      mark: { type: "line", strokeWidth: 2, point: { filled: true, size: 45 } },
      encoding: { x, y, color, order: { field: "rate", type: "quantitative" } },
    },
    {
      data: { values: means.filter((m) => m.family === names[0]).map((m) => ({ ...m, label: `β=${m.beta}` })) },
      mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 10, color: "#444444" },
      encoding: { x, y, text: { field: "label", type: "nominal" } },
    },
  ];
  if (matched.length) {
    layer.push({
      data: { values: matched.map((rate) => ({ rate })) },
      mark: { type: "rule", color: "#999999", strokeDash: [4, 3] },
      encoding: { x: { field: "rate", type: "quantitative" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    title: { text: "Rate–distortion per likelihood", subtitle: "β sweep per likelihood: lines through the means over seeds, open dots per seed" },
    width: 420,
    height: DEFAULT_HEIGHT + 40,
    layer,
  } as TopLevelSpec;
}

/**
 * The rate–distortion figure, written as PNG and SVG into `dir`; undefined when no family has a measured rate.
 * `matched`: the rates at which the verdict table's rows compare curves, drawn as dashed verticals.
 */
export async function rateDistortionFigure(dir: string, rd: RateDistortion, matched: readonly number[] = []): Promise<Figure | undefined> {
  const spec = rateDistortionSpec(rd, matched);
  if (!spec) return undefined;
  const chart: Chart = await renderChart(spec);
  writeFileSync(join(dir, `${RATE_DISTORTION_FILE}.svg`), chart.svg);
  writeFileSync(join(dir, `${RATE_DISTORTION_FILE}.png`), chart.png);
  return {
    file: `${RATE_DISTORTION_FILE}.png`,
    title: "Rate–distortion: distortion against rate per likelihood",
    caption:
      `Each likelihood's β sweep: test MSE (sum per image) against the test KL in nats per image, on a log rate axis; lines join the means over seeds at each β (labelled with β on the first likelihood's line), open dots are single seeds. Lower and further left is better on both axes; a likelihood whose curve lies below another's reconstructs closer at the same rate.` +
      (matched.length ? ` Dashed verticals: the matched rates where the verdict table's rows compare curves (${matched.map(formatRate).join(", ")}).` : ""),
    png: chart.png,
  };
}
