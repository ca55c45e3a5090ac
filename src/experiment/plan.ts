import { existsSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ConfigError, loadConfig, type RunConfig } from "../config/index.js";
import { hasCheckpoint } from "../checkpoint/index.js";
import { readRunRecordIfAny, type RunRecord } from "../train/run-folder.js";
import { ExperimentError } from "./errors.js";
import type { Experiment, ResolvedCell } from "./load.js";

/** What the runner does with a cell, decided from its folder before anything runs. */
export type CellAction =
  /** No folder yet: a new run. */
  | { kind: "run" }
  /** Completed with the config it would get now. */
  | { kind: "skip" }
  /** Stopped (or its process died) with a checkpoint, same config: `aelab train --resume`. */
  | { kind: "resume"; status: RunRecord["status"] }
  /** Failed, or stopped before its first checkpoint: moved aside to `<cell>.failed-<n>`, run anew. */
  | { kind: "rerun"; reason: string }
  /** Run with another config and --force given: moved aside to `<cell>.old-<n>`, run anew. */
  | { kind: "replace"; difference: string }
  /** Run with another config, no --force: the experiment refuses to start. */
  | { kind: "conflict"; difference: string };

export interface CellPlan {
  cell: ResolvedCell;
  action: CellAction;
}

function show(value: unknown): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}

/** The first key (dotted path) where two configs differ, with both values; undefined when equal. */
export function firstDifference(was: unknown, now: unknown, path: string[] = []): string | undefined {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isMap(was) && isMap(now)) {
    for (const key of new Set([...Object.keys(now), ...Object.keys(was)])) {
      const found = firstDifference(was[key], now[key], [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  if (isDeepStrictEqual(was, now)) return undefined;
  return `${path.join(".") || "(the whole config)"} was ${show(was)}, the experiment now gives ${show(now)}`;
}

function configDifference(dir: string, config: RunConfig): string | undefined {
  let was: RunConfig;
  try {
    was = loadConfig(join(dir, "config.yaml"));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `its config.yaml cannot be compared (${error.message})`;
  }
  return firstDifference(was, config);
}

export function planCell(cell: ResolvedCell, options: { force: boolean }): CellAction {
  if (!existsSync(cell.dir)) return { kind: "run" };
  const status = readRunRecordIfAny(cell.dir)?.status;
  if (status === undefined) return { kind: "rerun", reason: "no readable run.json" };
  if (status === "failed") return { kind: "rerun", reason: "failed" };
  const checkpoint = hasCheckpoint(cell.dir);
  // "running" with nobody running it (callers plan under the cell's lock, or check it): its process died without a word.
  if (status !== "completed" && !checkpoint) return { kind: "rerun", reason: `${status === "running" ? "left running" : status} before its first checkpoint` };
  const difference = configDifference(cell.dir, cell.config);
  if (difference) return options.force ? { kind: "replace", difference } : { kind: "conflict", difference };
  return status === "completed" ? { kind: "skip" } : { kind: "resume", status };
}

/** Every cell's action, in grid order. */
export function planExperiment(experiment: Experiment, options: { force: boolean }): CellPlan[] {
  return experiment.cells.map((cell) => ({ cell, action: planCell(cell, options) }));
}

/** Refuses (one line) when a cell was run with another config and --force is not given. */
export function refuseConflicts(plans: readonly CellPlan[]): void {
  const conflicts = plans.filter((p) => p.action.kind === "conflict");
  if (conflicts.length > 0) {
    const { cell, action } = conflicts[0] as CellPlan & { action: { kind: "conflict" } };
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more cells)` : "";
    throw new ExperimentError(
      `cell ${cell.name} (${cell.dir}) was run with another config: ${action.difference}${more}; ` +
        `restore the experiment file, or pass --force to re-run such cells (the old folders are kept as <cell>.old-<n>)`,
    );
  }
}

export function describeAction(action: CellAction): string {
  switch (action.kind) {
    case "run":
      return "new run";
    case "skip":
      return "completed, skip";
    case "resume":
      return `${action.status}, resume from its checkpoint`;
    case "rerun":
      return `${action.reason}: move aside to .failed-<n>, run anew`;
    case "replace":
      return `config changed (${action.difference}): --force, move aside to .old-<n>, run anew`;
    case "conflict":
      return `config changed (${action.difference}): refused without --force`;
  }
}
