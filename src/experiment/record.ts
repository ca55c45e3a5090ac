import { mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { folderNameError } from "../config/folder-name.js";
import { writeHparamsExperiment, type HparamSpec, type HparamValue } from "../tensorboard/hparams.js";
import { HPARAM_METRICS, runHparams } from "../train/hparams.js";
import type { Convergence } from "../train/early-stopping.js";
import { readRunRecordIfAny } from "../train/run-folder.js";
import { checkInsideLogdir } from "../util/inside-logdir.js";
import { packageInfo } from "../util/package-info.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import { ExperimentError } from "./errors.js";
import type { Experiment } from "./load.js";
import type { ClaimSpec } from "./claims.js";
import type { Sesoi } from "./sesoi.js";
import type { Overrides } from "./spec.js";

export const EXPERIMENT_JSON = "experiment.json";

/** `<experiment dir>/experiment.json`: the resolved experiment, what the report groups runs by. */
export interface ExperimentRecord {
  name: string;
  description: string;
  /** The experiment file, and its base config as written there and as the runs were given it. */
  file: string;
  base: string;
  basePath: string;
  set: Overrides;
  axes: { name: string; key?: string; levels: { name: string; overrides: Overrides }[] }[];
  exclude: Record<string, string>[];
  /** Smallest effects of interest the experiment file declares (absent in records written before it existed). */
  sesoi?: Partial<Sesoi>;
  /** The question, claims and confounds the file declares, what the report tests and quotes (absent in records written before they existed). */
  question?: string;
  claims?: ClaimSpec[];
  confounds?: string[];
  cells: {
    name: string;
    /** The run folder, relative to the experiment folder. */
    dir: string;
    /** Its captured output, relative to the experiment folder. */
    log: string;
    /** Axis name to level name. */
    levels: Record<string, string>;
    overrides: Overrides;
    /** The `--set` arguments its run was given, in order. */
    set: string[];
    /** How its run ended, filled in once the cells have run (recordCellOutcomes). */
    outcome?: CellOutcome;
  }[];
  excluded: string[];
  aelabVersion: string;
  writtenAt: string;
}

export function experimentRecord(experiment: Experiment, now = new Date()): ExperimentRecord {
  const { spec, dir } = experiment;
  return {
    name: spec.name,
    description: spec.description,
    file: spec.file,
    base: spec.base,
    basePath: spec.basePath,
    set: spec.set,
    axes: spec.axes.map((axis) => ({
      name: axis.name,
      ...(axis.key ? { key: axis.key } : {}),
      levels: axis.levels.map((level) => ({ name: level.name, overrides: level.overrides })),
    })),
    exclude: spec.exclude,
    sesoi: spec.sesoi,
    question: spec.question,
    claims: spec.claims,
    confounds: spec.confounds,
    cells: experiment.cells.map((cell) => ({
      name: cell.name,
      dir: relative(dir, cell.dir),
      log: relative(dir, cell.log),
      levels: cell.levels,
      overrides: cell.overrides,
      set: cell.assignments,
    })),
    excluded: experiment.excluded,
    aelabVersion: packageInfo.version,
    writtenAt: now.toISOString(),
  };
}

/** One epoch of a learning curve: the monitored loss on the validation split, and the same loss on train and test. */
export interface CurvePoint {
  epoch: number;
  step: number;
  train?: number;
  validation?: number;
  test?: number;
}

/** What a report needs to say of a cell whether it converged and to draw its learning curve. */
export interface CellOutcome {
  status: string;
  /** Why it failed: run.json's error, or what the runner saw (a kill, an error before the run folder existed). */
  error?: string;
  /** run.json's convergence (train.earlyStopping only): best epoch, epochs run, converged, ... */
  convergence?: Convergence;
  /** The curve's loss, without its section: the early-stopping monitor's, else the first phase's total loss. */
  curveTag?: string;
  curve: CurvePoint[];
}

type EpochEntry = { epoch: number; step: number; train?: Record<string, number>; validation?: Record<string, number>; test?: Record<string, number> };

/**
 * A run folder's outcome from its run.json (undefined while it has none). The per-epoch numbers of every
 * tag stay in run.json's `epochs` (train, validation and test means); the curve picks the monitored one.
 */
export function readCellOutcome(runDir: string): CellOutcome | undefined {
  const record = readRunRecordIfAny(runDir);
  if (!record) return undefined;
  const epochs = (record.epochs ?? []) as EpochEntry[];
  // Evaluation scalars list each phase's terms and then its total: the first "/loss" is the first phase's.
  const curveTag =
    record.convergence?.monitor.replace(/^validation\//, "") ??
    Object.keys(epochs[0]?.validation ?? epochs[0]?.test ?? {}).find((tag) => tag.endsWith("/loss"));
  const curve = epochs.map(
    ({ epoch, step, train, validation, test }): CurvePoint => ({
      epoch,
      step,
      ...(curveTag && train?.[curveTag] !== undefined ? { train: train[curveTag] } : {}),
      ...(curveTag && validation?.[curveTag] !== undefined ? { validation: validation[curveTag] } : {}),
      ...(curveTag && test?.[curveTag] !== undefined ? { test: test[curveTag] } : {}),
    }),
  );
  return {
    status: record.status,
    ...(record.error ? { error: record.error } : {}),
    ...(record.convergence ? { convergence: record.convergence } : {}),
    ...(curveTag ? { curveTag } : {}),
    curve,
  };
}

/** What the runner saw of a cell this time (a CellResult): a failed cell may have no run.json, or one saying "running". */
export interface CellVerdict {
  cell: { name: string };
  status: string;
  message?: string;
}

/**
 * Writes each cell's outcome (status, error, convergence, learning curve) into experiment.json; returns its
 * path. A cell the runner saw fail is recorded as failed with its error even where its run.json cannot say
 * so: killed (run.json still "running") or stopped before its run folder existed (bad data, a full disk).
 */
export function recordCellOutcomes(experimentDir: string, verdicts: readonly CellVerdict[] = []): string {
  const record = readExperimentRecord(experimentDir);
  const failed = new Map(verdicts.filter((v) => v.status === "failed").map((v) => [v.cell.name, v]));
  for (const cell of record.cells) {
    let outcome = readCellOutcome(join(experimentDir, cell.dir));
    const verdict = failed.get(cell.name);
    if (verdict) outcome = { ...(outcome ?? { curve: [] }), status: "failed", error: outcome?.error ?? verdict.message ?? "failed" };
    if (outcome) cell.outcome = outcome;
    else delete cell.outcome;
  }
  const path = join(experimentDir, EXPERIMENT_JSON);
  writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

export function writeExperimentRecord(experiment: Experiment): string {
  mkdirSync(experiment.dir, { recursive: true });
  const path = join(experiment.dir, EXPERIMENT_JSON);
  writeFileAtomic(path, `${JSON.stringify(experimentRecord(experiment), null, 2)}\n`);
  return path;
}

/**
 * The record, its cells' folders and logs checked to lie inside the experiment folder: the report writes
 * into them, and a record in a shared folder may be someone else's.
 */
export function readExperimentRecord(experimentDir: string): ExperimentRecord {
  const path = join(experimentDir, EXPERIMENT_JSON);
  const record = JSON.parse(readFileSync(path, "utf8")) as ExperimentRecord;
  record.cells.forEach((cell, i) => {
    for (const key of ["dir", "log"] as const) {
      const error = folderNameError(`cells.${i}.${key}`, "a cell's path", String(cell[key]));
      if (error) throw new ExperimentError(`${path}: ${error}`);
    }
    checkInsideLogdir(experimentDir, join(experimentDir, cell.dir));
  });
  return record;
}

function compareValues(a: HparamValue, b: HparamValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * The HParams columns: every hparam a run records (runHparams), typed from its values, with the values
 * that occur across the cells as its domain. The axes are not columns: a session's hparams are what its
 * run wrote (src/train/run.ts writes runHparams(config) and `aelab train` takes no extra ones), and a
 * column no session has stays empty. The axes show in the run names (`<level>/<level>/...`) instead, and
 * the hparams they set (recon, adversarial_weight, binarize, seed, ...) are columns already.
 */
export function hparamsColumns(experiment: Experiment): HparamSpec[] {
  const values = new Map<string, HparamValue[]>();
  for (const cell of experiment.cells) {
    for (const [name, value] of Object.entries(runHparams(cell.config))) {
      const seen = values.get(name) ?? [];
      if (!seen.includes(value)) seen.push(value);
      values.set(name, seen);
    }
  }
  return [...values].map(([name, seen]): HparamSpec => {
    const kinds = new Set(seen.map((v) => typeof v));
    if (kinds.size > 1) return { name, type: "string", domain: { values: seen.map(String).sort() } };
    const type = typeof seen[0] === "number" ? "number" : typeof seen[0] === "boolean" ? "bool" : "string";
    return { name, type, domain: { values: [...seen].sort(compareValues) } };
  });
}

/** Writes the `_hparams_/experiment` definition into the experiment folder (TensorBoard's run "."). */
export function writeExperimentHparams(experiment: Experiment): string {
  const { spec } = experiment;
  const axes = spec.axes.map((axis) => `${axis.name} (${axis.levels.map((l) => l.name).join(", ")})`).join(" x ");
  const description = [spec.description.trim(), `aelab experiment ${spec.name}: ${experiment.cells.length} runs, named by their levels of ${axes}.`]
    .filter(Boolean)
    .join("\n\n");
  return writeHparamsExperiment(experiment.dir, {
    hparams: hparamsColumns(experiment),
    metrics: HPARAM_METRICS.map((tag) => ({ tag, dataset: "validation" as const })),
    description,
  });
}
