import { pairedComparison } from "../metrics/stats.js";
import type { SesoiMetric } from "../experiment/sesoi.js";
import type { Draft, Role } from "./claims.js";
import type { Claimed } from "./verdict.js";
import { formatNumber } from "./format.js";
import type { Group, RunTraits } from "./groups.js";
import { commonRange, interpolateAtRate, matchedRates, rateRange, type CurvePoint, type RateRange } from "./rate-distortion-curve.js";
import type { RunMetrics } from "./run-metrics.js";

/**
 * Rate–distortion families: VAE groups that differ only in β for one likelihood (model.recon and
 * model.scale), binarization and networks. A likelihood's β sweep traces a curve of distortion against
 * rate; comparing two likelihoods at one default β each mixes the likelihood with where on its curve it
 * lands (their scales differ), so they are compared at matched rate instead, along their curves.
 */
export interface RdFamily {
  /** The likelihood in words, e.g. "VAE-GAUSSIAN (σ learned)", with the binarization and networks where they vary. */
  name: string;
  traits: Omit<RunTraits, "seed" | "beta">;
  /** One group per β, in increasing β. */
  groups: Group[];
}

/** A metric compared at matched rate: its row name, the smallest effect that applies, and C3's claimed sign of BCE − MSE. */
export interface RdMetric {
  name: string;
  key: SesoiMetric;
  value: (m: RunMetrics) => number;
  /** Evidence for C3 (blur), or shown beside it (distortion: the trade-off itself, not blur). */
  role: Extract<Role, "evidence" | "descriptive">;
  claimed: Claimed;
}

export const RD_METRICS = {
  distortion: { name: "distortion: MSE (sum per image)", key: "mse", value: (m) => m.mse, role: "descriptive", claimed: "= 0" },
  gradient: { name: "sharpness ratio (gradient, outputs / targets)", key: "sharpnessGradient", value: (m) => m.sharpnessRatio.gradient, role: "evidence", claimed: "<" },
  highFrequency: { name: "high-frequency energy ratio (outputs / targets)", key: "highFrequencyRatio", value: (m) => m.highFrequencyRatio.ownTargets, role: "evidence", claimed: "<" },
  reliabilityPull: { name: "reliability pull (mean sign(y−½)·(y−x); 0 for an unbiased model)", key: "reliabilityPull", value: (m) => m.reliability.pull, role: "evidence", claimed: "<" },
} satisfies Record<string, RdMetric>;

export type RdMetricName = keyof typeof RD_METRICS;

/** Rates per compared pair, spread evenly in log rate inside the overlap of the two curves. */
export const MATCHED_RATE_COUNT = 3;

/** One metric of two likelihoods at one matched rate, per shared seed (seeds with a non-finite value on either side are left out). */
export interface MatchedCell {
  rate: number;
  metric: RdMetricName;
  seeds: number[];
  a: number[];
  b: number[];
  leftOut: number[];
}

/** Two families compared along their curves: at matched rates inside their overlap, or why not. */
export interface MatchedComparison {
  a: RdFamily;
  b: RdFamily;
  /** Seeds with a curve (two or more usable rates) in both families. */
  seeds: number[];
  /** Each family's rates over those seeds, smallest to largest. */
  spans: { a?: RateRange; b?: RateRange };
  /** The rates each seed's curves cover: the overlap must lie inside all of them, since the differences are paired by seed. */
  perSeed: Array<{ seed: number; a: RateRange; b: RateRange }>;
  /** Where every seed's curve of both families covers; undefined when the curves do not overlap. */
  overlap?: RateRange;
  rates: number[];
  cells: MatchedCell[];
}

export interface RateDistortion {
  families: RdFamily[];
  comparisons: MatchedComparison[];
  /** What could not be analysed, in words (a family that is not a clean β sweep, runs without a measured rate). */
  notes: string[];
}

const SCALE_SYMBOL: Partial<Record<RunTraits["recon"], string>> = { gaussian: "σ", laplace: "b" };

function familyName(t: RdFamily["traits"], show: { networks: boolean; dataset: boolean }): string {
  const symbol = SCALE_SYMBOL[t.recon];
  const scale = symbol && t.scale !== undefined ? ` (${symbol} ${typeof t.scale === "number" ? `= ${t.scale}` : t.scale})` : "";
  const scope = [...(show.networks ? [t.networks] : []), ...(show.dataset ? [t.dataset] : [])];
  return `${scope.length ? `[${scope.join(", ")}] ` : ""}VAE-${t.recon.toUpperCase()}${scale}${t.binarize !== "none" ? ` [${t.binarize}]` : ""}`;
}

/** The families of an experiment's groups: plain VAE groups sharing every trait but β, with two or more β. */
export function rateDistortionFamilies(groups: readonly Group[]): { families: RdFamily[]; notes: string[] } {
  const byKey = new Map<string, Group[]>();
  for (const g of groups) {
    if (g.reference || g.traits.variant !== "vae") continue;
    const { beta: _beta, ...rest } = g.traits;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    byKey.set(key, [...(byKey.get(key) ?? []), g]);
  }
  const show = {
    networks: new Set([...byKey.values()].map((gs) => gs[0].traits.networks)).size > 1,
    dataset: new Set([...byKey.values()].map((gs) => gs[0].traits.dataset)).size > 1,
  };
  const families: RdFamily[] = [];
  const notes: string[] = [];
  for (const members of byKey.values()) {
    const { beta: _beta, ...traits } = members[0].traits;
    const name = familyName(traits, show);
    const betas = members.map((g) => g.traits.beta);
    const repeated = betas.find((b, i) => betas.indexOf(b) !== i);
    if (repeated !== undefined) {
      notes.push(`${name}: several groups share β = ${repeated} (${members.filter((g) => g.traits.beta === repeated).map((g) => g.name).join(", ")}), so the experiment varies something besides β there: not a β sweep, left out of the rate–distortion analysis.`);
      continue;
    }
    if (members.length < 2) continue;
    families.push({ name, traits, groups: [...members].sort((a, b) => a.traits.beta - b.traits.beta) });
  }
  return { families, notes };
}

/** One seed's curve of a metric: the family's runs with that seed, at their measured rate. */
export function seedCurve(family: RdFamily, seed: number, value: (m: RunMetrics) => number): CurvePoint[] {
  return family.groups.flatMap((g) => g.runs.filter((r) => r.traits.seed === seed).map((r) => ({ rate: r.metrics.rate ?? NaN, value: value(r.metrics) })));
}

function seedsOf(f: RdFamily): number[] {
  return [...new Set(f.groups.flatMap((g) => g.runs.map((r) => r.traits.seed)))].sort((a, b) => a - b);
}

function span(ranges: Array<RateRange | undefined>): RateRange | undefined {
  const defined = ranges.filter((r): r is RateRange => r !== undefined);
  return defined.length ? { lo: Math.min(...defined.map((r) => r.lo)), hi: Math.max(...defined.map((r) => r.hi)) } : undefined;
}

/** a and b along their curves: per shared seed, each metric interpolated at rates inside both curves' overlap. */
export function compareAtMatchedRate(a: RdFamily, b: RdFamily, count = MATCHED_RATE_COUNT): MatchedComparison {
  const rangeOf = (f: RdFamily, seed: number) => rateRange(seedCurve(f, seed, () => 0));
  const seeds = seedsOf(a).filter((s) => rangeOf(a, s) && rangeOf(b, s));
  const perSeed = seeds.map((seed) => ({ seed, a: rangeOf(a, seed)!, b: rangeOf(b, seed)! }));
  const spans = { a: span(perSeed.map((p) => p.a)), b: span(perSeed.map((p) => p.b)) };
  const overlap = commonRange(perSeed.flatMap((p) => [p.a, p.b]));
  if (!overlap) return { a, b, seeds, spans, perSeed, rates: [], cells: [] };
  const rates = matchedRates(overlap, count);
  const cells: MatchedCell[] = [];
  for (const rate of rates) {
    for (const [metric, m] of Object.entries(RD_METRICS) as Array<[RdMetricName, RdMetric]>) {
      const cell: MatchedCell = { rate, metric, seeds: [], a: [], b: [], leftOut: [] };
      for (const seed of seeds) {
        // Inside the overlap by construction, so never undefined; NaN where a neighbouring value is not finite.
        const va = interpolateAtRate(seedCurve(a, seed, m.value), rate) ?? NaN;
        const vb = interpolateAtRate(seedCurve(b, seed, m.value), rate) ?? NaN;
        if (Number.isFinite(va) && Number.isFinite(vb)) {
          cell.seeds.push(seed);
          cell.a.push(va);
          cell.b.push(vb);
        } else cell.leftOut.push(seed);
      }
      cells.push(cell);
    }
  }
  return { a, b, seeds, spans, perSeed, overlap, rates, cells };
}

/** Families that can be compared: the same binarization, networks and data (only the likelihood differs). */
function comparable(a: RdFamily, b: RdFamily): boolean {
  return a.traits.binarize === b.traits.binarize && a.traits.networks === b.traits.networks && a.traits.dataset === b.traits.dataset;
}

/** C3's pair, oriented BCE − MSE so the claimed sign reads as in C3's other rows. */
function isC3Pair(a: RdFamily, b: RdFamily): boolean {
  return a.traits.recon === "bce" && b.traits.recon === "mse";
}

/** Families, their matched-rate comparisons (every comparable pair, C3's pair as BCE − MSE) and what was left out. */
export function rateDistortion(groups: readonly Group[]): RateDistortion {
  const { families, notes } = rateDistortionFamilies(groups);
  for (const f of families) {
    const without = f.groups.flatMap((g) => g.runs).filter((r) => !(Number.isFinite(r.metrics.rate) && r.metrics.rate! > 0));
    if (without.length) notes.push(`${f.name}: ${without.length} run(s) without a measured rate (${without.map((r) => r.cell).join(", ")}) are left off its curve.`);
  }
  const comparisons: MatchedComparison[] = [];
  for (let i = 0; i < families.length; i++) {
    for (let j = i + 1; j < families.length; j++) {
      const [a, b] = isC3Pair(families[j], families[i]) ? [families[j], families[i]] : [families[i], families[j]];
      if (comparable(a, b)) comparisons.push(compareAtMatchedRate(a, b));
    }
  }
  return { families, comparisons, notes };
}

/** A rate in words, e.g. "12.3 nats". */
export function formatRate(rate: number): string {
  return `${formatNumber(rate)} nats`;
}

/**
 * C3's rows at matched rate: BCE − MSE on greyscale targets are evidence (distortion is shown beside them),
 * on thresholded targets a control, as C3's other binarized rows. Other pairs appear in the report's
 * rate–distortion section only.
 */
export function matchedRateDrafts(rd: RateDistortion): Draft[] {
  const drafts: Draft[] = [];
  for (const c of rd.comparisons) {
    if (!isC3Pair(c.a, c.b)) continue;
    const control = c.a.traits.binarize !== "none";
    for (const cell of c.cells) {
      const m: RdMetric = RD_METRICS[cell.metric];
      const role: Role = control ? "control" : m.role;
      const note = control ? "C3 is about non-binary targets and predicts no difference here" : m.role === "descriptive" ? "the trade-off the β sweep traces, beside C3's blur rows: at equal rate, which likelihood reconstructs closer" : undefined;
      const base = { claim: "C3", comparison: `${c.a.name} − ${c.b.name} at matched rate ${formatRate(cell.rate)}`, metric: { name: m.name, key: m.key }, role, ...(note ? { note } : {}), claimed: m.claimed, leftOut: cell.leftOut };
      if (cell.a.length < 2) {
        drafts.push({ ...base, notMeasured: `${cell.a.length} paired seed(s) with finite values` });
        continue;
      }
      const baseline = { label: c.b.name, mean: cell.b.reduce((s, v) => s + v, 0) / cell.b.length };
      drafts.push({ ...base, test: pairedComparison(cell.a, cell.b), testName: "paired t", baseline });
    }
  }
  return drafts;
}
