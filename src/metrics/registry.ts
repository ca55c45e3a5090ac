import { BUILT_IN_CHECKS } from "./checks/index.js";
import { BUILT_IN_METRICS } from "./compared/index.js";
import type { RunMetrics } from "./measured.js";

/**
 * What an experiment file's comparisons can name: metrics read from a run's measured record, and analytic
 * checks (properties of the losses computed exactly, no runs needed). Each is one file under compared/ or
 * checks/, listed in its folder's index; code of a user's own can add more with registerMetric and
 * registerCheck before the experiment is loaded. Lookups fail with the known names, so a typo in a file is
 * one line before anything runs.
 */

/** A metric a comparison can name: how to read it from one run, and what it is called in the verdict table. */
export interface ComparedMetric {
  /** The name an experiment file's `metric:` uses. */
  name: string;
  /** Its words in the verdict table. */
  label: string;
  /**
   * Which smallest effect of interest applies: a unit of src/experiment/sesoi.ts's table, shared by the metrics
   * measured in it (an experiment file's `sesoi:` sets it for all of them), or a unit of the metric's own, which
   * then needs `sesoiDefault`.
   */
  sesoi: string;
  sesoiDefault?: number;
  /** Its value for one run: NaN where the run has none. */
  value: (m: RunMetrics) => number;
  /**
   * A difference measured inside each run (the same outputs two ways): a comparison against 0 is then paired,
   * and the row says what the difference is and what it is relative to.
   */
  within?: { text: string; baseline: (m: RunMetrics) => number };
  /** Measured in the evaluation feature network (src/features/): a report trains it and computes these only when a comparison names one. */
  needsFeatures?: boolean;
}

/** A row of an analytic check: what it compares, its numbers in words, and whether the property holds. */
export interface AnalyticRow {
  comparison: string;
  metric: string;
  effect: string;
  test: string;
  holds: boolean;
}

/** A property of the losses themselves, checked numerically; `format` writes a number as the report does. */
export interface AnalyticCheck {
  name: string;
  rows: (format: (value: number, significant?: number) => string) => AnalyticRow[];
}

const metrics = new Map<string, ComparedMetric>();
const checks = new Map<string, AnalyticCheck>();

export function registerMetric(metric: ComparedMetric): void {
  if (metrics.has(metric.name)) throw new Error(`registerMetric: a metric named ${metric.name} is registered already`);
  metrics.set(metric.name, metric);
}

export function registerCheck(check: AnalyticCheck): void {
  if (checks.has(check.name)) throw new Error(`registerCheck: an analytic check named ${check.name} is registered already`);
  checks.set(check.name, check);
}

for (const m of BUILT_IN_METRICS) registerMetric(m);
for (const c of BUILT_IN_CHECKS) registerCheck(c);

export function comparedMetricNames(): string[] {
  return [...metrics.keys()];
}

export function analyticCheckNames(): string[] {
  return [...checks.keys()];
}

/** The registered metric; throws naming the known ones (an experiment file is checked against them first). */
export function comparedMetric(name: string): ComparedMetric {
  const m = metrics.get(name);
  if (!m) throw new Error(`unknown metric ${JSON.stringify(name)} (registered: ${comparedMetricNames().join(", ")})`);
  return m;
}

export function analyticCheck(name: string): AnalyticCheck {
  const c = checks.get(name);
  if (!c) throw new Error(`unknown analytic check ${JSON.stringify(name)} (registered: ${analyticCheckNames().join(", ")})`);
  return c;
}

/** Metrics whose value is NaN where a run has no such field (an optional one, e.g. the rate of an AE). */
export const orNaN = (v: number | undefined): number => v ?? NaN;
