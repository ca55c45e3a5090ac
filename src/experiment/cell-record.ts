import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/write-file-atomic.js";

/** `<cell folder>/cell.json`: who ran the cell and when, beside the run.json its `aelab train` writes. */
export const CELL_JSON = "cell.json";

export interface CellRecord {
  name: string;
  /** Its place in the grid order, the index `--cell` and the shards use. */
  index: number;
  configHash: string;
  host: string;
  /** The runner holding the cell's lock; `trainPid` is its `aelab train` child. */
  pid: number;
  trainPid?: number;
  seed: number;
  aelabVersion: string;
  startedAt: string;
  /** Touched every HEARTBEAT_MS while the cell runs: a cell whose machine died stops being touched. */
  heartbeatAt: string;
  endedAt?: string;
  /** How the runner saw the cell end (completed, failed, interrupted). */
  status?: string;
  /** Copied from run.json once the run ends. */
  backend?: unknown;
}

export function writeCellRecord(cellDir: string, record: CellRecord): void {
  writeFileAtomic(join(cellDir, CELL_JSON), `${JSON.stringify(record, null, 2)}\n`);
}

export function readCellRecord(cellDir: string): CellRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(cellDir, CELL_JSON), "utf8")) as CellRecord;
  } catch {
    return undefined;
  }
}
