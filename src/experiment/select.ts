import { ExperimentError } from "./errors.js";
import type { Experiment, ResolvedCell } from "./load.js";

/** `--shard i/n`: the i-th of n shards, i from 1 to n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ExperimentError(`--shard must be i/n with 1 <= i <= n, e.g. --shard 2/4 (got ${JSON.stringify(text)})`);
  }
  return { index, count };
}

/**
 * The cells of shard i/n: those whose grid index k has k mod n = i - 1. The grid order is fixed by the
 * file alone (axes in order, the first varying slowest, exclusions removed), so the same i, n and file
 * give the same cells whatever has finished, and shards 1..n together hold every cell exactly once.
 * Round-robin rather than blocks, so each shard gets a mix of every axis's levels (similar run times).
 */
export function shardCells(cells: readonly ResolvedCell[], shard: Shard): ResolvedCell[] {
  return cells.filter((_, k) => k % shard.count === shard.index - 1);
}

/** `--cell`: a grid index (as `--list` prints it) or a cell name; one clear line when there is none. */
export function findCell(experiment: Experiment, which: string): ResolvedCell {
  const { cells, spec } = experiment;
  if (/^\d+$/.test(which)) {
    const cell = cells[Number(which)];
    if (!cell) throw new ExperimentError(`${spec.file}: --cell ${which}: no such cell (indexes 0 to ${cells.length - 1}; see --list)`);
    return cell;
  }
  const cell = cells.find((c) => c.name === which);
  if (!cell) {
    const near = cells.filter((c) => c.name.includes(which) || which.includes(c.name)).map((c) => c.name);
    const hint = near.length ? `; close: ${near.slice(0, 3).join(", ")}` : "";
    throw new ExperimentError(`${spec.file}: --cell ${which}: no cell of that name (${cells.length} cells, e.g. ${cells[0]?.name}${hint}; see --list)`);
  }
  return cell;
}

/** The grid index of a cell: its position in the experiment's cells. */
export function cellIndex(experiment: Experiment, cell: ResolvedCell): number {
  return experiment.cells.indexOf(cell);
}
