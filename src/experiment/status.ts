import { readRunRecordIfAny } from "../train/run-folder.js";
import { configHash } from "./config-hash.js";
import { readCellRecord } from "./cell-record.js";
import type { Experiment, ResolvedCell } from "./load.js";
import { cellLockState, describeHolder, type LockTiming } from "./lock.js";
import { planCell } from "./plan.js";

/**
 * A cell's state as its folder and lock say: done (completed with the config it would get now), running
 * (a live process holds its lock), failed, stopped (interrupted; resumes from its checkpoint if it has
 * one), missing (never started), stale (its lock's holder, or the process its run.json says is running,
 * is gone: re-run or resumed by the next runner), changed (completed or stopped with another config).
 */
export type CellState = "done" | "running" | "failed" | "stopped" | "missing" | "stale" | "changed";

export interface CellStatus {
  state: CellState;
  detail?: string;
}

export function cellStatus(experiment: Experiment, cell: ResolvedCell, timing: LockTiming = {}): CellStatus {
  const lock = cellLockState(experiment.dir, cell.name, timing);
  if (lock?.alive) return { state: "running", detail: describeHolder(lock.holder, timing) };
  const action = planCell(cell, { force: false });
  const stale = (why: string): CellStatus => {
    if (lock) return { state: "stale", detail: `lock of ${describeHolder(lock.holder, timing)}` };
    const record = readCellRecord(cell.dir);
    // Its run was killed mid-step, but its runner lived to see it end and said how (cell.json).
    if (record?.endedAt && record.status === "interrupted")
      return {
        state: "stopped",
        detail: `interrupted on ${record.host} at ${record.endedAt}, ${action.kind === "resume" ? "resumes from its checkpoint" : "runs anew"}`,
      };
    if (record?.endedAt && record.status === "failed") return { state: "failed", detail: `on ${record.host} at ${record.endedAt}` };
    const last = record ? `; last heartbeat ${record.heartbeatAt} on ${record.host}` : "";
    return { state: "stale", detail: `${why}${last}` };
  };
  switch (action.kind) {
    case "run":
      return lock ? stale("") : { state: "missing" };
    case "skip":
      return { state: "done" };
    case "conflict":
    case "replace":
      return { state: "changed", detail: action.difference };
    case "resume":
      return action.status === "running"
        ? stale("run.json says running, nobody holds its lock")
        : { state: "stopped", detail: `${action.status}, resumes from its checkpoint` };
    case "rerun":
      if (action.reason === "failed") return { state: "failed", detail: readRunError(cell) };
      if (action.reason.startsWith("left running") || action.reason === "no readable run.json") return stale(`${action.reason}, nobody holds its lock`);
      return { state: "stopped", detail: `${action.reason}, runs anew` };
  }
}

function readRunError(cell: ResolvedCell): string | undefined {
  return readRunRecordIfAny(cell.dir)?.error;
}

/** What `--list` prints: one line per cell, `index  hash  state  name  (detail)`, in grid order. */
export function listLines(experiment: Experiment, timing: LockTiming = {}): string[] {
  const width = String(experiment.cells.length - 1).length;
  const statuses = experiment.cells.map((cell) => cellStatus(experiment, cell, timing));
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const lines = [
    `experiment ${experiment.spec.name}: ${experiment.cells.length} cells in ${experiment.dir}: ${[...counts].map(([state, n]) => `${n} ${state}`).join(", ")}`,
  ];
  experiment.cells.forEach((cell, k) => {
    const { state, detail } = statuses[k];
    lines.push(`${String(k).padStart(width)}  ${configHash(cell.config)}  ${state.padEnd(7)}  ${cell.name}${detail ? `  (${detail})` : ""}`);
  });
  return lines;
}
