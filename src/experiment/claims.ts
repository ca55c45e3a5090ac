import { basename, resolve } from "node:path";
import { z } from "zod";
import { ConfigError, type RunConfig } from "../config/index.js";
import { analyticCheckNames, comparedMetricNames } from "../metrics/registry.js";
import { editDistance } from "../config/closest-key.js";

/**
 * What an experiment claims and how its runs test it, as its file declares it (`claims:`), checked against
 * its grid before any cell runs. The report (src/report/claims.ts) turns each comparison into verdict rows;
 * it knows no claim of its own. Every field is documented where the schema declares it, and in
 * experiments/examples/beta-sweep.yaml.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Groups by their levels: `{ loss: ae-bce, binarize: none }` picks the cells at those levels of those axes. */
const selectorSchema = z.record(z.string(), scalar);

/** How a comparison's rows count: only tallied rows decide their claim, enter its tally and Holm's family. */
export const ROLE_NAMES = ["tallied", "control", "manipulation-check", "descriptive", "reference"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** What a comparison expects of a − b (or a − the constant): greater, less, or equivalent (no difference that matters; against 0: no bias). */
export const EXPECTS = ["greater", "less", "equivalent"] as const;
export type Expect = (typeof EXPECTS)[number];

/** The reference groups the report measures beside the runs, which a comparison can name instead of `a`. */
export const REFERENCES = ["class-mean-oracle"] as const;

const comparisonSchema = z.strictObject({
  a: selectorSchema.optional().describe("One side: the groups at these levels (with where's)"),
  reference: z.enum(REFERENCES).optional().describe("Instead of a: a reference measured beside the runs (the class-mean oracle: a conditional-mean model)"),
  b: selectorSchema.optional().describe("The other side, naming the same axes as a: the rows are a − b, paired by seed"),
  against: z.number().optional().describe("Instead of b: a constant, tested one-sample (a metric measured inside each run as a difference is paired)"),
  where: selectorSchema.default({}).describe("Levels both sides share"),
  metric: z
    .union([z.string(), z.array(z.string()).min(1)], { error: "must be a registered metric's name or a list of them" })
    .describe("A registered metric's name (src/metrics/registry.ts), or a list of them: a row each, in order"),
  expect: z.enum(EXPECTS).describe("What a − b (or a − the constant) should be; equivalent: no difference that matters"),
  sesoi: z
    .number()
    .positive()
    .optional()
    .describe("The smallest effect of interest, in the metric's units; unset: the file's sesoi for the metric's unit, else its default"),
  role: z.enum(ROLE_NAMES).optional().describe("How the rows count; unset: the claim's role"),
  note: z.string().optional().describe("Why a row outside the tally is shown, or what to keep in mind reading it"),
  label: z.string().optional().describe("The metric's words in the row, where the registered label would not say what this comparison measures"),
  scope: z
    .strictObject({
      dataset: z.string().optional().describe("Only the groups trained on this data set, as the report names it: mnist, or an IDX folder's name"),
      networks: z.string().optional().describe("Only the groups with these networks: mlp, conv, or encoder/decoder (mlp/conv)"),
    })
    .optional()
    .describe("Only the groups trained on this data set or with these networks"),
  along: z.string().optional().describe("An axis both sides sweep (e.g. the KL weight): compare their curves of the metric against the rate, at matched rate"),
  quoteReference: z.boolean().default(false).describe("The row's note quotes what the reference group of the same data scores on the metric"),
});

export const claimSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, "an id is letters, digits, . _ + -")
    .describe("A short name the rows and the answer use (H1, M1, ...)"),
  statement: z.string().min(1).describe("The claim in one sentence: what the report quotes"),
  role: z
    .enum(ROLE_NAMES)
    .default("tallied")
    .describe("How its comparisons count unless one says otherwise: only tallied rows decide the claim and enter Holm's family"),
  analytic: z.string().optional().describe("A registered analytic check (a property of the losses computed exactly, no runs): instead of comparisons"),
  comparisons: z.array(comparisonSchema).default([]).describe("The comparisons of groups of runs that test the claim"),
  /**
   * Tallied rows whose group a (or b) the dataset classifier recognises less than half the time leave the tally,
   * each with this reason (e.g. sharp outputs that show no digit are no evidence of a sharper loss).
   */
  whenUnrecognisable: z
    .strictObject({
      a: z.string().min(1).describe("Why a row whose group a is unrecognisable leaves the tally"),
      b: z.string().min(1).describe("Why a row whose group b is unrecognisable leaves the tally"),
    })
    .optional()
    .describe("Tallied rows whose group the dataset classifier recognises less than half the time leave the tally, with this reason"),
});

export type Selector = Record<string, string>;

/** One comparison, one metric: what the report makes rows of (one per scope or level its groups share). */
export interface ComparisonSpec {
  /** Where it was declared, for messages: "claims.2 (H3), comparisons.0". */
  entry: string;
  a?: Selector;
  reference?: (typeof REFERENCES)[number];
  b?: Selector;
  against?: number;
  where: Selector;
  metric: string;
  expect: Expect;
  sesoi?: number;
  role: RoleName;
  note?: string;
  label?: string;
  scope?: { dataset?: string; networks?: string };
  along?: string;
  quoteReference: boolean;
}

export interface ClaimSpec {
  id: string;
  statement: string;
  analytic?: string;
  comparisons: ComparisonSpec[];
  whenUnrecognisable?: { a: string; b: string };
}

/** Anything with levels by axis: a grid cell's group, or the report's measured group. */
export interface Levelled {
  levels: Record<string, string>;
}

/** The axes as a claim check needs them: names, levels, and which one is the seed axis (never selected: it pairs). */
export interface ClaimAxes {
  names: string[];
  levels: Record<string, string[]>;
  seed?: string;
}

const matches = (selector: Selector, levels: Record<string, string>) => Object.entries(selector).every(([axis, level]) => levels[axis] === level);

/** The axes a comparison names: a's (b names the same), where's, and the one it sweeps along. */
function namedAxes(c: ComparisonSpec): Set<string> {
  return new Set([...Object.keys(c.a ?? {}), ...Object.keys(c.where), ...(c.along ? [c.along] : [])]);
}

/** The levels of the axes a comparison leaves free: its rows are made within each combination of them. */
function freeKey(c: ComparisonSpec, axes: ClaimAxes, levels: Record<string, string>): string {
  const named = namedAxes(c);
  return JSON.stringify(axes.names.filter((a) => a !== axes.seed && !named.has(a)).map((a) => levels[a]));
}

/** The groups one side picks. */
export function sideGroups<G extends Levelled>(c: ComparisonSpec, side: "a" | "b", groups: readonly G[]): G[] {
  const selector = { ...(c[side] ?? {}), ...c.where };
  return groups.filter((g) => matches(selector, g.levels));
}

/** The pairs a two-sided comparison makes: a's and b's groups that share every level neither names. */
export function comparedPairs<G extends Levelled>(c: ComparisonSpec, axes: ClaimAxes, groups: readonly G[]): Array<{ a: G; b: G }> {
  const bs = sideGroups(c, "b", groups);
  return sideGroups(c, "a", groups).flatMap((a) => bs.filter((b) => freeKey(c, axes, b.levels) === freeKey(c, axes, a.levels)).map((b) => ({ a, b })));
}

/** The curves a comparison `along` an axis makes: per combination of the free levels, each side's groups across the swept axis. */
export function comparedCurves<G extends Levelled>(c: ComparisonSpec, axes: ClaimAxes, groups: readonly G[]): Array<{ a: G[]; b: G[] }> {
  const bySide = (side: "a" | "b") => {
    const out = new Map<string, G[]>();
    for (const g of sideGroups(c, side, groups)) out.set(freeKey(c, axes, g.levels), [...(out.get(freeKey(c, axes, g.levels)) ?? []), g]);
    return out;
  };
  const bs = bySide("b");
  return [...bySide("a")].flatMap(([key, a]) => (bs.has(key) ? [{ a, b: bs.get(key)! }] : []));
}

/** The seed axis: the list axis `seed`, or one whose every level sets the seed and nothing else. */
export function seedAxisOf<A extends { name: string; key?: string; levels: ReadonlyArray<{ overrides: Record<string, unknown> }> }>(
  axes: readonly A[],
): A | undefined {
  const seedOnly = (overrides: Record<string, unknown>) => Object.keys(overrides).length > 0 && Object.keys(overrides).every((k) => k === "seed");
  return axes.find((a) => a.key === "seed" || a.levels.every((l) => seedOnly(l.overrides)));
}

export function claimAxes(
  axes: ReadonlyArray<{ name: string; key?: string; levels: ReadonlyArray<{ name: string; overrides: Record<string, unknown> }> }>,
): ClaimAxes {
  return { names: axes.map((a) => a.name), levels: Object.fromEntries(axes.map((a) => [a.name, a.levels.map((l) => l.name)])), seed: seedAxisOf(axes)?.name };
}

/** A data source in a few words: "mnist" for the embedded digits, else the IDX folder's own name (as the loader names it). */
export function datasetLabel(source: string): string {
  return source === "mnist" ? "mnist" : basename(resolve(source)) || source;
}

/** The networks and data a run's config trains: comparisons stay within one data set. */
export function scopeOf(config: RunConfig): { networks: string; dataset: string } {
  return { networks: `${config.model.encoder.type}/${config.model.decoder.type}`, dataset: datasetLabel(config.data.source) };
}

/** Whether a scope filter keeps a group of these networks and data ("mlp" stands for mlp/mlp). */
export function inScope(filter: ComparisonSpec["scope"], scope: { networks: string; dataset: string }): boolean {
  if (!filter) return true;
  const networks = filter.networks === undefined || filter.networks === scope.networks || `${filter.networks}/${filter.networks}` === scope.networks;
  return networks && (filter.dataset === undefined || filter.dataset === scope.dataset);
}

/** "did you mean x?" for a name one or two slips from a known one. */
function nearest(name: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(1, Math.floor(name.length / 3)) ? `; did you mean ${best.k}?` : "";
}

type ParsedClaim = z.output<typeof claimSchema>;

/**
 * The file's claims checked against its axes and grid, lists of metrics spread into one comparison each. Every
 * problem is one line naming the entry: an unknown metric or check, an axis or level the grid does not have, a
 * side that picks no cell, sides that never share their other levels.
 */
export function checkClaims(file: string, parsed: readonly ParsedClaim[], axes: ClaimAxes, cells: readonly Levelled[]): ClaimSpec[] {
  const ids = new Set<string>();
  return parsed.map((claim, i) => {
    const where = `claims.${i} (${claim.id})`;
    const fail = (message: string): never => {
      throw new ConfigError(`config error in ${file}: ${message}`);
    };
    if (ids.has(claim.id)) fail(`${where}: another claim has the id ${claim.id}`);
    ids.add(claim.id);
    if (claim.analytic !== undefined) {
      if (claim.comparisons.length) fail(`${where}: a claim is an analytic check or a list of comparisons, not both`);
      if (!analyticCheckNames().includes(claim.analytic))
        fail(
          `${where}: unknown analytic check ${JSON.stringify(claim.analytic)}${nearest(claim.analytic, analyticCheckNames())} (registered: ${analyticCheckNames().join(", ")})`,
        );
      return { id: claim.id, statement: claim.statement, analytic: claim.analytic, comparisons: [] };
    }
    if (claim.comparisons.length === 0) fail(`${where}: a claim needs comparisons (or an analytic check)`);
    const comparisons = claim.comparisons.flatMap((c, j) => {
      const entry = `${where}, comparisons.${j}`;
      const metrics = typeof c.metric === "string" ? [c.metric] : c.metric;
      for (const m of metrics) {
        if (!comparedMetricNames().includes(m))
          fail(`${entry}: unknown metric ${JSON.stringify(m)}${nearest(m, comparedMetricNames())} (registered: ${comparedMetricNames().join(", ")})`);
      }
      const base = { ...c, where: stringLevels(c.where), a: c.a && stringLevels(c.a), b: c.b && stringLevels(c.b), role: c.role ?? claim.role };
      checkShape(base, entry, fail);
      checkLevels(base, entry, axes, fail);
      const spec: ComparisonSpec = { ...stripUndefined(base), entry, metric: metrics[0] } as ComparisonSpec;
      if (spec.a) checkCells(spec, entry, axes, cells, fail);
      return metrics.map((metric) => ({ ...spec, metric }));
    });
    return { id: claim.id, statement: claim.statement, comparisons, ...(claim.whenUnrecognisable ? { whenUnrecognisable: claim.whenUnrecognisable } : {}) };
  });
}

function stringLevels(selector: Record<string, string | number | boolean>): Selector {
  return Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

type Shape = Omit<ComparisonSpec, "entry" | "metric">;

/** Which fields go together: one side and the other (or a constant), the same axes on both sides. */
function checkShape(c: Shape, entry: string, fail: (m: string) => never): void {
  if ((c.a === undefined) === (c.reference === undefined)) fail(`${entry}: name one side as a (levels) or as reference (${REFERENCES.join(", ")})`);
  if ((c.b === undefined) === (c.against === undefined)) fail(`${entry}: compare a with b (levels) or against a constant (against: 0), one of the two`);
  if (c.reference !== undefined && c.b !== undefined) fail(`${entry}: a reference is compared against a constant, not with b`);
  if (c.along !== undefined && c.b === undefined) fail(`${entry}: along compares two sides' curves: it needs b`);
  if (c.quoteReference && c.b !== undefined) fail(`${entry}: quoteReference is for a comparison against a constant`);
  if (c.a && c.b) {
    const [ka, kb] = [Object.keys(c.a).sort(), Object.keys(c.b).sort()];
    if (ka.join() !== kb.join())
      fail(`${entry}: a and b must name the same axes (a: ${ka.join(", ") || "none"}; b: ${kb.join(", ") || "none"}); levels both share go in where`);
  }
  const sides = Object.keys({ ...(c.a ?? {}), ...(c.b ?? {}) });
  const both = Object.keys(c.where).find((axis) => sides.includes(axis));
  if (both) fail(`${entry}: ${both} is in where and in a or b: name each axis in one place`);
  if (c.along !== undefined && (sides.includes(c.along) || c.along in c.where)) fail(`${entry}: along sweeps ${c.along}, so a, b and where must leave it free`);
}

/** Every axis and level named exists, and none is the seed axis (seeds pair the two sides, they are never selected). */
function checkLevels(c: Shape, entry: string, axes: ClaimAxes, fail: (m: string) => never): void {
  const named: Array<[string, Selector | undefined]> = [
    ["a", c.a],
    ["b", c.b],
    ["where", c.where],
  ];
  for (const [field, selector] of named) {
    for (const [axis, level] of Object.entries(selector ?? {})) {
      if (!axes.names.includes(axis))
        fail(`${entry}: ${field} names no axis of this experiment: ${axis}${nearest(axis, axes.names)} (axes: ${axes.names.join(", ")})`);
      if (axis === axes.seed) fail(`${entry}: ${field} names the seed axis ${axis}: comparisons pair runs by seed, they do not select seeds`);
      if (!axes.levels[axis].includes(level))
        fail(
          `${entry}: ${field}.${axis}: ${level} is not a level of axis ${axis}${nearest(level, axes.levels[axis])} (levels: ${axes.levels[axis].join(", ")})`,
        );
    }
  }
  if (c.along !== undefined) {
    if (!axes.names.includes(c.along))
      fail(`${entry}: along names no axis of this experiment: ${c.along}${nearest(c.along, axes.names)} (axes: ${axes.names.join(", ")})`);
    if (c.along === axes.seed) fail(`${entry}: along names the seed axis ${c.along}`);
  }
}

const levelsWords = (s: Selector) =>
  Object.entries(s)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");

/** Each side picks a cell of the grid, and the two sides share their other levels somewhere. */
function checkCells(c: ComparisonSpec, entry: string, axes: ClaimAxes, cells: readonly Levelled[], fail: (m: string) => never): void {
  for (const side of c.b ? (["a", "b"] as const) : (["a"] as const)) {
    if (sideGroups(c, side, cells).length === 0)
      fail(`${entry}: ${side} matches no cell: every cell with ${levelsWords({ ...c[side], ...c.where })} is excluded`);
  }
  if (c.b && (c.along ? comparedCurves(c, axes, cells) : comparedPairs(c, axes, cells)).length === 0) {
    fail(`${entry}: a and b match cells, but never two that share their levels of the other axes, so there is nothing to compare`);
  }
}

/**
 * The checks that need each cell's resolved config: a comparison stays within one data set (its metrics are
 * measured against that data's targets), and a scope that keeps none of its groups is a mistake.
 */
export function checkClaimScopes(file: string, claims: readonly ClaimSpec[], axes: ClaimAxes, cells: ReadonlyArray<Levelled & { config: RunConfig }>): void {
  const scope = (cell: { config: RunConfig }) => scopeOf(cell.config);
  for (const claim of claims) {
    for (const c of claim.comparisons) {
      if (!c.a || !c.b) continue;
      const kept = cells.filter((cell) => inScope(c.scope, scope(cell)));
      if (kept.length < cells.length && sideGroups(c, "a", kept).length === 0) {
        throw new ConfigError(
          `config error in ${file}: ${c.entry}: scope ${JSON.stringify(c.scope)} keeps none of a's cells (their data: ${[...new Set(sideGroups(c, "a", cells).map((g) => scope(g).dataset))].join(", ")})`,
        );
      }
      const sides = c.along ? comparedCurves(c, axes, kept).map((p) => [...p.a, ...p.b]) : comparedPairs(c, axes, kept).map((p) => [p.a, p.b]);
      for (const groups of sides) {
        const datasets = [...new Set(groups.map((g) => scope(g).dataset))];
        if (datasets.length > 1) {
          throw new ConfigError(
            `config error in ${file}: ${c.entry}: compares runs on ${datasets.join(" with runs on ")}; a comparison stays within one data set (name the dataset axis in where, or leave it free)`,
          );
        }
      }
    }
  }
}
