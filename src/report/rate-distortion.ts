import { comparedMetric, type ComparedMetric } from "../metrics/registry.js";
import { formatNumber } from "./format.js";
import { describeGroup } from "./labels.js";
import type { Group, RunTraits } from "./groups.js";
import { commonRange, interpolateAtRate, matchedRates, rateRange, type CurvePoint, type RateRange } from "./rate-distortion-curve.js";
import type { RunMetrics } from "../metrics/measured.js";

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

/** The metrics the rate–distortion section shows at matched rate: a registered metric each, under the section's heading. */
export const SECTION_METRICS: ReadonlyArray<{ heading: string; metric: ComparedMetric }> = [
  { heading: "distortion: MSE (sum per image)", metric: comparedMetric("mse") },
  { heading: "sharpness ratio (gradient, outputs / targets)", metric: comparedMetric("sharpness") },
  { heading: "high-frequency energy ratio (outputs / targets)", metric: comparedMetric("highFrequency") },
  { heading: "reliability pull (mean sign(y−½)·(y−x); 0 for an unbiased model)", metric: comparedMetric("reliabilityPull") },
];

/** Rates per compared pair, spread evenly in log rate inside the overlap of the two curves. */
export const MATCHED_RATE_COUNT = 3;

/** One metric of two likelihoods at one matched rate, per shared seed (seeds with a non-finite value on either side are left out). */
export interface MatchedCell {
  rate: number;
  /** The registered metric's name. */
  metric: string;
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

function familyName(t: RdFamily["traits"], show: { networks: boolean; dataset: boolean }): string {
  const scope = [...(show.networks ? [t.networks] : []), ...(show.dataset ? [t.dataset] : [])];
  return `${scope.length ? `[${scope.join(", ")}] ` : ""}${describeGroup(t)}`;
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
      notes.push(
        `${name}: several groups share β = ${repeated} (${members
          .filter((g) => g.traits.beta === repeated)
          .map((g) => g.name)
          .join(", ")}), so the experiment varies something besides β there: not a β sweep, left out of the rate–distortion analysis.`,
      );
      continue;
    }
    if (members.length < 2) continue;
    families.push({ name, traits, groups: [...members].sort((a, b) => a.traits.beta - b.traits.beta) });
  }
  return { families, notes };
}

/** One seed's curve of a metric: the family's runs with that seed, at their measured rate. */
export function seedCurve(family: Pick<RdFamily, "groups">, seed: number, value: (m: RunMetrics) => number): CurvePoint[] {
  return family.groups.flatMap((g) => g.runs.filter((r) => r.traits.seed === seed).map((r) => ({ rate: r.metrics.rate ?? NaN, value: value(r.metrics) })));
}

function seedsOf(f: Pick<RdFamily, "groups">): number[] {
  return [...new Set(f.groups.flatMap((g) => g.runs.map((r) => r.traits.seed)))].sort((a, b) => a - b);
}

function span(ranges: Array<RateRange | undefined>): RateRange | undefined {
  const defined = ranges.filter((r): r is RateRange => r !== undefined);
  return defined.length ? { lo: Math.min(...defined.map((r) => r.lo)), hi: Math.max(...defined.map((r) => r.hi)) } : undefined;
}

/** a and b along their curves: per shared seed, each metric interpolated at rates inside both curves' overlap. */
export function compareAtMatchedRate(
  a: Pick<RdFamily, "groups">,
  b: Pick<RdFamily, "groups">,
  metrics: ReadonlyArray<Pick<ComparedMetric, "name" | "value">>,
  count = MATCHED_RATE_COUNT,
): Omit<MatchedComparison, "a" | "b"> {
  const rangeOf = (f: Pick<RdFamily, "groups">, seed: number) => rateRange(seedCurve(f, seed, () => 0));
  const seeds = seedsOf(a).filter((s) => rangeOf(a, s) && rangeOf(b, s));
  const perSeed = seeds.map((seed) => ({ seed, a: rangeOf(a, seed)!, b: rangeOf(b, seed)! }));
  const spans = { a: span(perSeed.map((p) => p.a)), b: span(perSeed.map((p) => p.b)) };
  const overlap = commonRange(perSeed.flatMap((p) => [p.a, p.b]));
  if (!overlap) return { seeds, spans, perSeed, rates: [], cells: [] };
  const rates = matchedRates(overlap, count);
  const cells: MatchedCell[] = [];
  for (const rate of rates) {
    for (const m of metrics) {
      const cell: MatchedCell = { rate, metric: m.name, seeds: [], a: [], b: [], leftOut: [] };
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
  return { seeds, spans, perSeed, overlap, rates, cells };
}

/** Families that can be compared: the same binarization, networks and data (only the likelihood differs). */
function comparable(a: RdFamily, b: RdFamily): boolean {
  return a.traits.binarize === b.traits.binarize && a.traits.networks === b.traits.networks && a.traits.dataset === b.traits.dataset;
}

/** Families, their matched-rate comparisons (every comparable pair, in the order the groups come) and what was left out. */
export function rateDistortion(groups: readonly Group[]): RateDistortion {
  const { families, notes } = rateDistortionFamilies(groups);
  for (const f of families) {
    const without = f.groups.flatMap((g) => g.runs).filter((r) => !(Number.isFinite(r.metrics.rate) && r.metrics.rate! > 0));
    if (without.length)
      notes.push(`${f.name}: ${without.length} run(s) without a measured rate (${without.map((r) => r.cell).join(", ")}) are left off its curve.`);
  }
  const comparisons: MatchedComparison[] = [];
  for (let i = 0; i < families.length; i++) {
    for (let j = i + 1; j < families.length; j++) {
      const [a, b] = [families[i], families[j]];
      if (comparable(a, b))
        comparisons.push({
          a,
          b,
          ...compareAtMatchedRate(
            a,
            b,
            SECTION_METRICS.map((s) => s.metric),
          ),
        });
    }
  }
  return { families, comparisons, notes };
}

/** A rate in words, e.g. "12.3 nats". */
export function formatRate(rate: number): string {
  return `${formatNumber(rate)} nats`;
}
