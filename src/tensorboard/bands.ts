import type { Layout, LayoutCategory } from "./custom-scalars.js";
import type { Curve } from "./scalars.js";

/** The statistics a band holds at each step, each logged as `<tag>/<stat>`. */
export const BAND_STATS = ["mean", "min", "max", "std"] as const;
export type BandStat = (typeof BAND_STATS)[number];

export function bandTag(tag: string, stat: BandStat): string {
  return `${tag}/${stat}`;
}

/** A band at one step: over the seeds' values there, in float64 (written as float32 like every scalar). */
export interface BandPoint {
  step: number;
  /** The mean of the seeds' wall times at this step. */
  wallTime: number;
  mean: number;
  min: number;
  max: number;
  /** The sample standard deviation (n - 1); undefined for a single seed. */
  std?: number;
}

/**
 * One tag's band over the curves of a group's seeds: a point at every step that all of them logged,
 * in step order. A step any seed lacks (a shorter run, one stopped early, a missing log) is left out,
 * not interpolated, so every point is over the same seeds. A NaN anywhere at a step makes that step's
 * statistics NaN.
 */
export function seedBand(curves: readonly Curve[]): BandPoint[] {
  if (curves.length === 0) return [];
  const [first, ...rest] = curves;
  const steps = [...first!.keys()].filter((step) => rest.every((curve) => curve.has(step))).sort((a, b) => a - b);
  return steps.map((step) => {
    const points = curves.map((curve) => curve.get(step)!);
    const values = points.map((p) => p.value);
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const point: BandPoint = {
      step,
      wallTime: points.reduce((s, p) => s + p.wallTime, 0) / n,
      mean,
      // Math.min/max return NaN if any value is NaN, as the mean does.
      min: Math.min(...values),
      max: Math.max(...values),
    };
    // Two passes (the mean first): the one-pass sum-of-squares formula cancels badly for losses near a large offset.
    if (n > 1) point.std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    return point;
  });
}

/** A tag's family: the tag without its last part (`test/latent/active_units` -> `test/latent`). */
export function tagFamily(tag: string): string {
  const slash = tag.lastIndexOf("/");
  return slash < 0 ? tag : tag.slice(0, slash);
}

/**
 * The Custom Scalars layout for bands written under the same tags in one run per group: a category per
 * family (in `sections` order, then by name), a margin chart per tag (by name) with one series, mean
 * between min and max. The dashboard draws that series once for every run that has its tags, so each
 * group's run gives one band in its own colour, and a run without them (a seed's own run) draws nothing
 * and warns of nothing. Equal layouts from several experiments merge into one chart per tag.
 */
export function bandsLayout(tags: Iterable<string>, sections: readonly string[]): Layout {
  const section = (tag: string) => {
    const i = sections.indexOf(tag.split("/")[0]!);
    return i < 0 ? sections.length : i;
  };
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...new Set(tags)].sort((a, b) => section(a) - section(b) || byName(tagFamily(a), tagFamily(b)) || byName(a, b));
  const categories = new Map<string, LayoutCategory>();
  for (const tag of sorted) {
    const family = tagFamily(tag);
    let category = categories.get(family);
    if (!category) categories.set(family, (category = { title: `${family} (seed bands)`, chart: [] }));
    category.chart.push({
      title: tag,
      margin: { series: [{ value: bandTag(tag, "mean"), lower: bandTag(tag, "min"), upper: bandTag(tag, "max") }] },
    });
  }
  return { category: [...categories.values()] };
}
