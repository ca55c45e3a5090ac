import { loadConfig } from "../../src/config/index.js";
import { expandGrid } from "../../src/experiment/grid.js";
import { readExperimentFile, type ExperimentSpec } from "../../src/experiment/spec.js";
import { datasetLabel, groupRuns, traitsOf, type Group, type MeasuredRun } from "../../src/report/groups.js";
import { ORACLE_NAME, ORACLE_NOTE } from "../../src/report/oracle-note.js";
import type { RunMetrics } from "../../src/report/run-metrics.js";
import { convergence, zeroMetrics } from "./measured-run.js";

/**
 * A fixed set of made-up runs for a preset's grid, as the report would group them: every cell of the file with
 * numbers drawn from a stream keyed by the cell, so every kind of row is exercised (differences shown, shown
 * negligible, undecided, no spread, a seed left out, groups that fail to reconstruct, a group at the epoch cap)
 * without training anything. The same file always gives the same runs.
 */

/** FNV-1a of a string: a stable key for a stream of draws. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A draw in [0, 1) from `key` (mulberry32 of its hash). */
function draw(key: string): number {
  let t = (hash(key) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * One metric of one run: a group's level (one of a few steps of `scale`, so two groups are often within the
 * smallest effect of interest and often far apart) plus seed-to-seed noise, small in some groups and large in others.
 */
function value(group: string, field: string, seed: number, scale: number): number {
  const level = [0, 0.3, 3, -3][Math.floor(draw(`${group}|${field}|level`) * 4)];
  const kind = draw(`${group}|${field}|spread`);
  // Now and then the same value in every seed: no spread to test against.
  const spread = kind < 0.04 ? 0 : kind < 0.6 ? 0.05 : 2;
  return scale * (1 + level + spread * (draw(`${group}|${field}|${seed}`) - 0.5));
}

/** The group a cell belongs to: its levels on every axis but the seed axis, as the report names it. */
function groupName(spec: ExperimentSpec, levels: Record<string, string>): string {
  return spec.axes
    .filter((a) => a.key !== "seed")
    .map((a) => levels[a.name])
    .join("/");
}

function metricsOf(group: string, seed: number, greyscale: boolean, beta: number, recon: string): RunMetrics {
  const v = (field: string, scale: number) => value(group, field, seed, scale);
  const push = (k: number) => ({
    k,
    gradientRatio: v("pushGradient", 0.05) + (k - 1) * v("pushGradientGain", 0.05),
    laplacianRatio: v("pushLaplacian", 0.05) + (k - 1) * v("pushLaplacianGain", 0.05),
    highFrequencyRatio: v("pushHighFrequency", 0.05) + (k - 1) * v("pushHighFrequencyGain", 0.05),
    mse: v("pushMse", 0.5) + (k - 1) * v("pushMseGain", 0.5),
    midGreyShare: 0.1 / k,
  });
  return {
    ...zeroMetrics(),
    run: `${group}/seed-${seed}`,
    mse: v("mse", 0.5),
    sharpnessRatio: { gradient: v("sharpness", 0.05), laplacianVariance: v("laplacian", 0.05) },
    reliability: { pull: v("pull", 0.01) - 0.01, meanAbsBias: 0, bins: [] },
    signedError: v("signedError", 0.0039) - 0.0039,
    signedErrorNonZero: v("signedErrorNonZero", 0.0039) - 0.0039,
    midGreyOutput: v("midGrey", 0.02),
    wasserstein: v("wasserstein", 0.01),
    highFrequencyRatio: { ownTargets: v("highFrequency", 0.05), greyTargets: v("highFrequencyVsGrey", 0.05) },
    sharpnessVsGrey: { gradient: v("sharpnessVsGrey", 0.05), laplacianVariance: 0 },
    // Rates that fall with beta, at a different scale per likelihood, so the beta sweeps' curves overlap in part.
    rate: ((recon === "bce" ? 20 : 10) / beta) * (1 + 0.02 * (draw(`${group}|rate|${seed}`) - 0.5)),
    ...(greyscale ? { pushSweep: [push(1), push(3)] } : {}),
  };
}

/** The runs and the class-mean oracle references of a preset, made up as above. */
export function presetRuns(file: string): { spec: ExperimentSpec; groups: Group[]; references: Group[] } {
  const spec = readExperimentFile(file);
  const runs = expandGrid(spec).cells.map((cell): MeasuredRun => {
    const config = loadConfig(spec.basePath, cell.assignments);
    const group = groupName(spec, cell.levels);
    const traits = traitsOf(config);
    const metrics = metricsOf(group, config.seed, config.data.binarize === "none", config.model.beta, config.model.recon);
    // Two groups that fail to reconstruct (one an adversarial one, one a fixed loss), one group at the epoch cap,
    // and one seed whose sharpness is not finite.
    const failing =
      draw(`${group}|fails`) < 0.12 ||
      (traits.adversarial && draw(`${group}|gan fails`) < 0.5) ||
      (group.endsWith("vae-bce/none") && draw(`${group}|bce fails`) < 0.7);
    if (failing) metrics.classifierAccuracy = 0.3;
    if (draw(`${group}|non-finite`) < 0.1 && config.seed === 2) metrics.sharpnessRatio = { ...metrics.sharpnessRatio, gradient: Infinity };
    const capped = draw(`${group}|capped`) < 0.15;
    const outcome = {
      status: "completed",
      convergence: convergence({ converged: !capped, bestEpoch: capped ? 20 : 6, epochsRun: capped ? 20 : 9 }),
      curve: [],
    };
    return { cell: cell.name, group, levels: cell.levels, traits, metrics, outcome };
  });
  const groups = groupRuns(runs);
  // The oracle as the report measures it: per data source and binarization, one "run" per seed, with the levels
  // every model run of its data source and binarization shares.
  const sources = new Set(runs.map((r) => r.traits.dataset)).size;
  const references = new Map<string, Group>();
  for (const run of runs) {
    const binarized = run.traits.binarize !== "none" ? ` [${run.traits.binarize}]` : "";
    const name = `${ORACLE_NAME}${binarized}${sources > 1 ? ` (${datasetLabel(run.traits.dataset)})` : ""}`;
    let ref = references.get(name);
    if (!ref) {
      const { seed: _seed, ...traits } = run.traits;
      ref = {
        name,
        levels: { ...run.levels },
        traits: { ...traits, variant: "ae", adversarial: false, adversarialWeight: 0 },
        runs: [],
        reference: ORACLE_NOTE,
      };
      references.set(name, ref);
    }
    for (const [axis, level] of Object.entries(ref.levels)) if (run.levels[axis] !== level) delete ref.levels[axis];
    if (!ref.runs.some((r) => r.traits.seed === run.traits.seed)) {
      const metrics = metricsOf(name, run.traits.seed, run.traits.binarize === "none", 1, "oracle");
      ref.runs.push({
        cell: `${name}/seed-${run.traits.seed}`,
        group: name,
        levels: {},
        traits: { ...run.traits, variant: "ae", adversarial: false, adversarialWeight: 0 },
        metrics,
      });
    }
  }
  for (const ref of references.values()) ref.runs.sort((a, b) => a.traits.seed - b.traits.seed);
  return { spec, groups, references: [...references.values()] };
}

/** The presets the golden rows cover. */
export const PRESETS = ["experiments/adversarial-claim.yaml", "experiments/adversarial-claim-full.yaml", "experiments/rate-distortion.yaml"] as const;

/**
 * Rows as the golden file holds them: every field but `scope` (bookkeeping: what it decides, the row's
 * [networks, dataset] prefix and whether the datasets agree, is in the other fields), non-finite numbers as
 * strings (JSON has none), in a fixed order so that only the rows, not the order they are drafted in, matter.
 */
export function canonicalRows(rows: ReadonlyArray<{ claim: string; comparison: string; metric: string; scope?: unknown }>): Array<Record<string, unknown>> {
  const text = JSON.stringify(
    rows.map(({ scope: _scope, ...row }) => row),
    (_key, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
  );
  const key = (r: Record<string, unknown>) => `${String(r.claim)} | ${String(r.comparison)} | ${String(r.metric)}`;
  return (JSON.parse(text) as Array<Record<string, unknown>>).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
