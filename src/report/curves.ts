import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CurvePoint } from "../experiment/record.js";
import type { Figure } from "./figures.js";
import type { Group } from "./groups.js";
import { lineChart, type Point, type Series } from "./plot/index.js";

/** Which split a group's learning curve shows: the monitored validation loss, or the test loss where no run has a validation split. */
export type CurveSplit = "validation" | "test";

/** A group's learning curve: per epoch, the mean over the seeds that ran that epoch and have a finite value. */
export function meanCurve(g: Group): { split: CurveSplit; points: Point[] } | undefined {
  const curves = g.runs.map((r) => r.outcome?.curve ?? []);
  const split: CurveSplit = curves.some((c) => c.some((p) => p.validation !== undefined)) ? "validation" : "test";
  const byEpoch = new Map<number, number[]>();
  for (const curve of curves) {
    for (const p of curve as CurvePoint[]) {
      const value = p[split];
      if (value === undefined || !Number.isFinite(value)) continue;
      byEpoch.set(p.epoch, [...(byEpoch.get(p.epoch) ?? []), value]);
    }
  }
  if (byEpoch.size === 0) return undefined;
  const points = [...byEpoch].sort(([a], [b]) => a - b).map(([epoch, values]) => ({ x: epoch, y: values.reduce((s, v) => s + v, 0) / values.length }));
  return { split, points };
}

/** One learning-curve figure per variant family (AE-like, VAE-like), one line per group; none for a family without curves. */
export async function learningCurveFigures(dir: string, groups: readonly Group[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const family of ["ae", "vae"] as const) {
    const curves = groups
      .filter((x) => !x.reference && x.traits.family === family)
      .flatMap((g) => {
        const curve = meanCurve(g);
        return curve ? [{ name: g.name, ...curve }] : [];
      });
    const splits = new Set(curves.map((c) => c.split));
    // Only a mix of splits needs saying per line; the subtitle names a single one.
    const series: Series[] = curves.map((c) => ({ name: splits.size > 1 && c.split === "test" ? `${c.name} (test)` : c.name, points: c.points }));
    if (series.length === 0) continue;
    const what = splits.has("validation")
      ? splits.has("test")
        ? "validation loss (test loss where a group has no validation split)"
        : "validation loss"
      : "test loss";
    const file = `fig-learning-curves-${family}`;
    // Losses differ in level by an order of magnitude (a BCE near 75, an MSE near 8 per image): a log axis shows
    // where each flattens; a likelihood with a learned scale can go negative, and then the axis stays linear.
    const logY = series.every((s) => s.points.every((p) => !Number.isFinite(p.y) || p.y > 0));
    const chart = await lineChart({
      title: `${family.toUpperCase()}: learning curves`,
      subtitle: `${what}, mean over seeds${logY ? ", log scale" : ""}`,
      xLabel: "epoch",
      yLabel: "loss (each group's own training loss)",
      series,
      integerX: true,
      logY,
    });
    writeFileSync(join(dir, `${file}.svg`), chart.svg);
    writeFileSync(join(dir, `${file}.png`), chart.png);
    figures.push({
      file: `${file}.png`,
      title: `${family.toUpperCase()}: learning curves`,
      caption: `Each group's ${what} after every epoch, mean over the seeds that ran that epoch (seeds stopped early drop out of the mean). Each group is measured on its own training loss, so levels differ between losses: read where each curve flattens, not which is lower.${splits.has("validation") ? "" : " Without early stopping there is no validation split: the test loss is shown, and whether the models converged is unknown."}`,
      png: chart.png,
    });
  }
  return figures;
}
