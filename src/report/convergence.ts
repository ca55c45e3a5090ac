import type { Group } from "./groups.js";

/**
 * How a group's training ended, over its seeds: "converged" when every seed was stopped by early stopping
 * (its monitored validation loss stopped improving), "hit the cap" when at least one seed ran out of epochs
 * first, "unknown" when a seed trained without early stopping (a fixed budget says nothing of convergence).
 */
export type ConvergenceStatus = "converged" | "hit the cap" | "unknown";

export interface GroupConvergence {
  group: string;
  status: ConvergenceStatus;
  seeds: number;
  /** Seeds stopped by patience, and seeds that hit the epoch cap (early stopping on, not stopped). */
  stopped: number;
  capped: number;
  /** min and max over the seeds that have them; undefined when none has. */
  bestEpoch?: [number, number];
  epochsRun?: [number, number];
  maxEpochs?: [number, number];
  /** The curve's loss tag (validation loss where early stopping monitors one, else the test loss). */
  monitor?: string;
}

function range(values: readonly number[]): [number, number] | undefined {
  return values.length ? [Math.min(...values), Math.max(...values)] : undefined;
}

/** A group's convergence from its runs' outcomes (run.json's `convergence`). */
export function groupConvergence(g: Group): GroupConvergence {
  const convergences = g.runs.map((r) => r.outcome?.convergence);
  const known = convergences.filter((c) => c !== undefined);
  const stopped = known.filter((c) => c.converged).length;
  const capped = known.length - stopped;
  const status: ConvergenceStatus = capped > 0 ? "hit the cap" : known.length < g.runs.length || known.length === 0 ? "unknown" : "converged";
  const bestEpoch = range(known.map((c) => c.bestEpoch).filter((e): e is number => e !== null));
  const epochsRun = range(g.runs.map((r) => r.outcome?.convergence?.epochsRun ?? r.outcome?.curve.length).filter((e): e is number => e !== undefined && e > 0));
  const maxEpochs = range(known.map((c) => c.maxEpochs));
  const monitor = known[0]?.monitor ?? g.runs.map((r) => r.outcome?.curveTag).find((t) => t !== undefined);
  return { group: g.name, status, seeds: g.runs.length, stopped, capped, bestEpoch, epochsRun, maxEpochs, monitor };
}

/** Whether any seed of the group ran out of epochs before its validation loss stopped improving. */
export function hitEpochCap(g: Group): boolean {
  return !g.reference && g.runs.some((r) => r.outcome?.convergence !== undefined && !r.outcome.convergence.converged);
}

const span = (r: [number, number] | undefined) => (r === undefined ? "–" : r[0] === r[1] ? `${r[0]}` : `${r[0]}–${r[1]}`);

function statusText(c: GroupConvergence): string {
  if (c.status === "converged") return `converged (all ${c.seeds} seeds stopped by patience)`;
  if (c.status === "hit the cap") return `**hit the epoch cap** (${c.capped} of ${c.seeds} seeds)`;
  return c.stopped + c.capped === 0
    ? "unknown (no early stopping: fixed budget)"
    : `unknown (${c.seeds - c.stopped - c.capped} of ${c.seeds} seeds without early stopping)`;
}

/** The convergence table: one row per group, best epoch and epochs run as min–max over seeds. */
export function convergenceTable(rows: readonly GroupConvergence[]): string {
  const lines = ["| group | seeds | convergence | best epoch (min–max) | epochs run (min–max) | epoch cap |", "| --- | --- | --- | --- | --- | --- |"];
  for (const c of rows) lines.push(`| ${c.group} | ${c.seeds} | ${statusText(c)} | ${span(c.bestEpoch)} | ${span(c.epochsRun)} | ${span(c.maxEpochs)} |`);
  return lines.join("\n");
}

/** One caveat per group that hit the epoch cap (its numbers describe a model still improving). */
export function convergenceCaveats(rows: readonly GroupConvergence[]): string[] {
  return rows
    .filter((c) => c.status === "hit the cap")
    .map(
      (c) =>
        `${c.group}: ${c.capped} of ${c.seeds} seeds hit the cap of ${span(c.maxEpochs)} epochs before the validation loss stopped improving (best epoch ${span(c.bestEpoch)}): its numbers describe a model still improving, and the verdict rows that use it are marked ‡.`,
    );
}
