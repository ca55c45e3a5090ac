import {
  claimAxes,
  comparedCurves,
  comparedPairs,
  inScope,
  sideGroups,
  type ClaimAxes,
  type ClaimSpec,
  type ComparisonSpec,
  type Expect,
  type RoleName,
} from "../experiment/claims.js";
import { resolveSesoi, type Sesoi } from "../experiment/sesoi.js";
import { analyticCheck, comparedMetric, type ComparedMetric } from "../metrics/registry.js";
import { oneSampleComparison, pairedComparison } from "../metrics/stats.js";
import { withDatasetAgreement } from "./dataset-agreement.js";
import { formatNumber, formatPercent } from "./format.js";
import { pairBySeed, type Group } from "./groups.js";
import { describeGroup, marked, recognisable, RECOGNISABLE_ACCURACY } from "./labels.js";
import { compareAtMatchedRate, formatRate } from "./rate-distortion.js";
import { renderDrafts, type Draft, type Role, type Scope, type VerdictRow } from "./rows.js";
import type { Claimed } from "./verdict.js";

/**
 * The report's engine: an experiment's declared claims (src/experiment/claims.ts) turned into verdict rows
 * over its measured groups. It knows no claim: each comparison names its groups by their levels, a
 * registered metric, what it expects and its role, and becomes one row per scope (networks and data) or free
 * level its groups share, tested paired by seed, against a constant, or along two curves at matched rate;
 * both tests of every tallied row form one Holm family across the report.
 */

/** What the engine reads of an experiment: its record (experiment.json) or its parsed file alike. */
export interface ClaimedExperiment {
  axes: ReadonlyArray<{ name: string; key?: string; levels: ReadonlyArray<{ name: string; overrides: Record<string, unknown> }> }>;
  claims?: readonly ClaimSpec[];
  sesoi?: Partial<Sesoi>;
}

const ROLES: Record<RoleName, Role> = {
  tallied: "evidence",
  control: "control",
  "manipulation-check": "manipulation check",
  descriptive: "descriptive",
  reference: "reference",
};
const CLAIMED: Record<Expect, Claimed> = { greater: ">", less: "<", equivalent: "= 0" };

export interface ClaimRows {
  rows: VerdictRow[];
  /** The rates at which rows compare two curves (the rate–distortion figure marks them). */
  matchedRates: number[];
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;
const scopeOfGroup = (g: Group): Scope => ({ networks: g.traits.networks, dataset: g.traits.dataset });
const scopeKey = (s: Scope) => JSON.stringify([s.networks, s.dataset]);

/** The experiment's groups as the rows name them: scopes in the order the groups first show them, and how to prefix a row. */
class Layout {
  readonly scopes: Scope[];
  private readonly datasets: string[];
  private readonly networkKinds: number;
  /** Axes whose level follows from the networks and data (e.g. a `dataset` axis): the scope already names them. */
  private readonly scopeAxes: Set<string>;

  constructor(
    readonly models: readonly Group[],
    readonly references: readonly Group[],
    readonly axes: ClaimAxes,
  ) {
    const seen = new Map<string, Scope>();
    for (const g of models) seen.set(scopeKey(scopeOfGroup(g)), scopeOfGroup(g));
    this.scopes = [...seen.values()];
    this.datasets = [...new Set(this.scopes.map((s) => s.dataset))];
    this.networkKinds = new Set(this.scopes.map((s) => s.networks)).size;
    this.scopeAxes = new Set(
      axes.names.filter((axis) => {
        const levelOf = new Map<string, string>();
        return models.every((g) => {
          const key = scopeKey(scopeOfGroup(g));
          if (!levelOf.has(key)) levelOf.set(key, g.levels[axis]);
          return levelOf.get(key) === g.levels[axis];
        });
      }),
    );
  }

  /**
   * "[mlp/mlp, mnist] ": what a row's groups share that varies in the experiment, and the free levels its
   * comparison is made within; a reference's rows name only its data.
   */
  prefix(c: ComparisonSpec, g: Group): string {
    if (g.reference) return this.datasets.length > 1 ? `[${g.traits.dataset}] ` : "";
    const scope = scopeOfGroup(g);
    const named = new Set([...Object.keys(c.a ?? {}), ...Object.keys(c.where), ...(c.along ? [c.along] : [])]);
    const free = this.axes.names.filter((a) => a !== this.axes.seed && !named.has(a) && !this.scopeAxes.has(a)).map((a) => `${a}: ${g.levels[a]}`);
    const parts = [...(this.networkKinds > 1 ? [scope.networks] : []), ...(this.datasets.length > 1 ? [scope.dataset] : []), ...free];
    return parts.length ? `[${parts.join(", ")}] ` : "";
  }

  /** Where a row of this group goes in its claim: scope by scope, the references' rows after the models'. */
  order(g: Group): number {
    return g.reference ? this.scopes.length + this.datasets.indexOf(g.traits.dataset) : this.scopes.findIndex((s) => scopeKey(s) === scopeKey(scopeOfGroup(g)));
  }

  /** The reference measured on the same data whose levels the group shares (the class-mean oracle of its targets). */
  referenceOf(g: Group): Group | undefined {
    return this.references.find((r) => r.traits.dataset === g.traits.dataset && Object.entries(r.levels).every(([axis, level]) => g.levels[axis] === level));
  }
}

/** Both sides in words; where they read alike, each with the levels that set it apart. */
function sideWords(c: ComparisonSpec, a: Group, b: Group): [string, string] {
  const [wa, wb] = [describeGroup(a.traits), describeGroup(b.traits)];
  if (wa !== wb) return [wa, wb];
  const levels = (g: Group) =>
    Object.keys(c.a ?? {})
      .map((axis) => `${axis}: ${g.levels[axis]}`)
      .join(", ");
  return [`${wa} (${levels(a)})`, `${wb} (${levels(b)})`];
}

/** A curve's words: what its groups share (the swept axis's trait left out). */
function curveWords(groups: readonly Group[]): string {
  const first = groups[0].traits;
  const shared = Object.fromEntries(Object.entries(first).filter(([k, v]) => groups.every((g) => g.traits[k as keyof typeof first] === v)));
  return describeGroup(shared as typeof first);
}

/** What every row of one comparison has in common. */
interface Common {
  claim: ClaimSpec;
  c: ComparisonSpec;
  metric: ComparedMetric;
  label: string;
  sesoi: number;
  role: Role;
  claimed: Claimed;
}

type Placed = { draft: Draft; order: number };

/** a − b per pair of groups, paired by seed; seeds where either value is not finite are left out, and the row says which. */
function pairedDrafts(k: Common, layout: Layout, pairs: ReadonlyArray<{ a: Group; b: Group }>): Placed[] {
  return pairs.map(({ a, b }) => {
    const [wa, wb] = sideWords(k.c, a, b);
    const comparison = `${layout.prefix(k.c, a)}${marked(a, wa)} − ${marked(b, wb)}`;
    let role = k.role;
    let note = k.c.note;
    const guard = k.claim.whenUnrecognisable;
    if (role === "evidence" && guard && !recognisable(a)) {
      role = "fails to reconstruct";
      note = `the classifier recognises fewer than ${formatPercent(RECOGNISABLE_ACCURACY)} of ${wa}'s reconstructions: ${guard.a}`;
    } else if (role === "evidence" && guard && !recognisable(b)) {
      role = "baseline fails to reconstruct";
      note = `${wb}'s reconstructions are not recognisable: ${guard.b}`;
    }
    const base = {
      claim: k.claim.id,
      comparison,
      metric: k.label,
      sesoi: k.sesoi,
      role,
      ...(note ? { note } : {}),
      claimed: k.claimed,
      scope: scopeOfGroup(a),
    };
    const paired = pairBySeed(a, b, k.metric.value);
    const keep = paired.seeds.map((_, i) => Number.isFinite(paired.a[i]) && Number.isFinite(paired.b[i]));
    const leftOut = paired.seeds.filter((_, i) => !keep[i]);
    const va = paired.a.filter((_, i) => keep[i]);
    const vb = paired.b.filter((_, i) => keep[i]);
    const draft: Draft =
      va.length < 2
        ? { ...base, notMeasured: `${va.length} paired seed(s) with finite values`, leftOut }
        : { ...base, test: pairedComparison(va, vb), testName: "paired t", leftOut, baseline: { label: wb, mean: mean(vb) } };
    return { draft, order: layout.order(a) };
  });
}

/**
 * Each group's values against a constant (a claim of no bias, "= 0"), or a difference measured inside each run
 * (the same outputs two ways) with a sign: the latter is a paired t-test of the run's two values.
 */
function constantDrafts(k: Common, layout: Layout, groups: readonly Group[], against: number): Placed[] {
  return groups.map((g) => {
    const words = g.reference ? g.name : describeGroup(g.traits);
    const prefix = layout.prefix(k.c, g);
    const within = k.metric.within;
    const comparison = `${prefix}${marked(g, words)}${within ? `: ${within.text}` : ` vs ${against}`}`;
    const reference = k.c.quoteReference ? quoted(layout.referenceOf(g), k.metric) : "";
    const note = k.c.note !== undefined || reference ? `${k.c.note ?? ""}${reference}` : undefined;
    const scope = g.reference ? { networks: "-", dataset: g.traits.dataset } : scopeOfGroup(g);
    const base = { claim: k.claim.id, comparison, metric: k.label, sesoi: k.sesoi, role: k.role, ...(note ? { note } : {}), claimed: k.claimed, scope };
    const values = g.runs.map((r) => k.metric.value(r.metrics));
    const leftOut = g.runs.filter((_, i) => !Number.isFinite(values[i])).map((r) => r.traits.seed);
    const finite = values.filter(Number.isFinite);
    if (finite.length < 2) return { draft: { ...base, notMeasured: `${finite.length} seed(s) with finite values`, leftOut }, order: layout.order(g) };
    const base0 = within && g.runs.map((r) => within.baseline(r.metrics)).filter(Number.isFinite);
    const baseline = base0?.length ? { label: marked(g, words), mean: mean(base0) } : undefined;
    const draft: Draft = {
      ...base,
      test: oneSampleComparison(finite, against),
      testName: within ? "paired t" : "one-sample t",
      leftOut,
      ...(baseline ? { baseline } : {}),
    };
    return { draft, order: layout.order(g) };
  });
}

/** "; the class-mean oracle scores -0.26 here": the reference's mean over seeds, for a row's note. */
function quoted(reference: Group | undefined, metric: ComparedMetric): string {
  if (!reference) return "";
  const values = reference.runs.map((r) => metric.value(r.metrics)).filter(Number.isFinite);
  return values.length ? `; the ${reference.name} scores ${formatNumber(mean(values))} here` : "";
}

/** Two curves compared at matched rate: one row per rate inside their overlap, paired by seed. */
function curveDrafts(k: Common, layout: Layout, curves: ReadonlyArray<{ a: Group[]; b: Group[] }>, rates: number[]): Placed[] {
  return curves.flatMap(({ a, b }) => {
    const compared = compareAtMatchedRate({ groups: a }, { groups: b }, [k.metric]);
    rates.push(...compared.rates);
    const [wa, wb] = [curveWords(a), curveWords(b)];
    return compared.cells.map((cell): Placed => {
      const base = {
        claim: k.claim.id,
        comparison: `${layout.prefix(k.c, a[0])}${wa} − ${wb} at matched rate ${formatRate(cell.rate)}`,
        metric: k.label,
        sesoi: k.sesoi,
        role: k.role,
        ...(k.c.note ? { note: k.c.note } : {}),
        claimed: k.claimed,
        leftOut: cell.leftOut,
        scope: scopeOfGroup(a[0]),
      };
      const draft: Draft =
        cell.a.length < 2
          ? { ...base, notMeasured: `${cell.a.length} paired seed(s) with finite values` }
          : { ...base, test: pairedComparison(cell.a, cell.b), testName: "paired t", baseline: { label: wb, mean: mean(cell.b) } };
      return { draft, order: layout.order(a[0]) };
    });
  });
}

/** One comparison's drafts over the groups it picks. */
function comparisonDrafts(claim: ClaimSpec, c: ComparisonSpec, layout: Layout, sesoi: Sesoi, rates: number[]): Placed[] {
  const metric = comparedMetric(c.metric);
  const k: Common = {
    claim,
    c,
    metric,
    label: c.label ?? metric.label,
    sesoi: c.sesoi ?? sesoi[metric.sesoi],
    role: ROLES[c.role],
    claimed: CLAIMED[c.expect],
  };
  if (c.reference) {
    const refs = sideGroups({ ...c, a: {} }, "a", layout.references).filter((g) => inScope(c.scope, scopeOfGroup(g)));
    return constantDrafts(k, layout, refs, c.against ?? 0);
  }
  const models = layout.models.filter((g) => inScope(c.scope, scopeOfGroup(g)));
  if (c.along) return curveDrafts(k, layout, comparedCurves(c, layout.axes, models), rates);
  if (c.b) return pairedDrafts(k, layout, comparedPairs(c, layout.axes, models));
  return constantDrafts(k, layout, sideGroups(c, "a", models), c.against ?? 0);
}

/** An analytic claim's rows: its registered check, computed exactly. */
function analyticRows(claim: ClaimSpec & { analytic: string }): VerdictRow[] {
  return analyticCheck(claim.analytic)
    .rows(formatNumber)
    .map((r) => ({
      claim: claim.id,
      comparison: r.comparison,
      metric: r.metric,
      role: "evidence",
      sesoi: "-",
      effect: r.effect,
      test: r.test,
      equivalence: "-",
      verdict: r.holds ? "holds" : "fails",
    }));
}

/**
 * Every verdict row the experiment's claims and its groups allow, claim by claim in the file's order, computed
 * from the numbers only. `references` (the class-mean oracle) are shown beside the models in rows of their own,
 * never in a tally. A comparison whose groups are missing here (cells not completed) or have fewer than two
 * paired seeds with finite values gives no row.
 */
export function claimRows(experiment: ClaimedExperiment, groups: readonly Group[], references: readonly Group[] = []): ClaimRows {
  const sesoi = resolveSesoi(experiment.sesoi);
  const layout = new Layout(
    groups.filter((g) => !g.reference),
    references,
    claimAxes(experiment.axes),
  );
  const claims = experiment.claims ?? [];
  const matchedRates: number[] = [];
  const drafts = claims.flatMap((claim) => {
    const placed = claim.comparisons.flatMap((c) => comparisonDrafts(claim, c, layout, sesoi, matchedRates));
    // Scope by scope (a stable sort: within a scope, in the order the file declares them).
    return placed.sort((x, y) => x.order - y.order).map((p) => p.draft);
  });
  const measured = withDatasetAgreement(renderDrafts(drafts));
  const rows = claims.flatMap((claim) =>
    claim.analytic ? analyticRows({ ...claim, analytic: claim.analytic }) : measured.filter((r) => r.claim === claim.id),
  );
  return { rows, matchedRates: [...new Set(matchedRates)] };
}

/** The verdict rows of an experiment (its record or its file) over its measured groups and references. */
export function verdictRows(experiment: ClaimedExperiment, groups: readonly Group[], references: readonly Group[] = []): VerdictRow[] {
  return claimRows(experiment, groups, references).rows;
}
