import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { processAlive } from "../util/lock-file.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import { ExperimentError } from "./errors.js";

/** `<experiment>/.locks/<cell name>.lock`: outside the cell's folder, which `aelab train` creates itself. */
export const LOCKS_DIR = ".locks";

/** How often a running cell's lock (and its folder's cell.json) is touched. */
export const HEARTBEAT_MS = 30_000;
/** A lock not touched for this long belongs to a machine or process that died (four missed heartbeats). */
export const STALE_AFTER_MS = 4 * HEARTBEAT_MS;

/** What a cell's lock file holds: who runs the cell, since when, and when it last said so. */
export interface CellLockHolder {
  host: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
}

export interface LockTiming {
  /** Milliseconds; default Date.now. */
  now?: () => number;
  staleAfterMs?: number;
}

export function cellLockPath(experimentDir: string, cellName: string): string {
  return join(experimentDir, LOCKS_DIR, `${cellName}.lock`);
}

export function readLockHolder(path: string): CellLockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<CellLockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.host !== "string" || typeof holder.heartbeatAt !== "string") return undefined;
    return holder as CellLockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock's holder still runs the cell. On this host a dead pid says so at once; on another host
 * (a shared file system) only the heartbeat can, so a holder that has not touched its lock for
 * staleAfterMs is taken to be gone with its machine. A live pid with an old heartbeat counts as gone too:
 * after a reboot the pid may name another process.
 */
export function holderAlive(holder: CellLockHolder, timing: LockTiming = {}): boolean {
  const now = (timing.now ?? Date.now)();
  const fresh = now - Date.parse(holder.heartbeatAt) < (timing.staleAfterMs ?? STALE_AFTER_MS);
  if (holder.host === hostname()) return fresh && processAlive(holder.pid);
  return fresh;
}

export function describeHolder(holder: CellLockHolder, timing: LockTiming = {}): string {
  const ago = Math.max(0, Math.round(((timing.now ?? Date.now)() - Date.parse(holder.heartbeatAt)) / 1000));
  return `${holder.host} pid ${holder.pid}, heartbeat ${ago} s ago`;
}

export interface CellLock {
  holder: CellLockHolder;
  /** Touches the heartbeat; false if the lock is no longer this process's (it was judged stale and taken over). */
  heartbeat(): boolean;
  release(): void;
}

function sameHolder(a: CellLockHolder | undefined, b: CellLockHolder): boolean {
  return a !== undefined && a.host === b.host && a.pid === b.pid && a.startedAt === b.startedAt;
}

/**
 * Takes a cell's lock, or returns the live holder that has it. Creation is exclusive (O_EXCL), so two
 * processes on a shared file system never both get it. A stale lock is first renamed to a name of
 * its own (only one taker's rename succeeds), checked to be the one judged stale, then removed.
 */
export function lockCell(experimentDir: string, cellName: string, timing: LockTiming = {}): CellLock | { heldBy: CellLockHolder } {
  const path = cellLockPath(experimentDir, cellName);
  mkdirSync(dirname(path), { recursive: true });
  const now = timing.now ?? Date.now;
  for (let attempt = 0; attempt < 4; attempt++) {
    const stamp = new Date(now()).toISOString();
    const mine: CellLockHolder = { host: hostname(), pid: process.pid, startedAt: stamp, heartbeatAt: stamp };
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: "wx" });
      return ownLock(path, mine, now);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readLockHolder(path);
    // Unreadable: being written this instant, or garbage; garbage older than a heartbeat is stale.
    if (holder === undefined && attempt < 2) continue;
    if (holder !== undefined && holderAlive(holder, timing)) return { heldBy: holder };
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const moved = readLockHolder(aside);
    if (holder !== undefined && moved !== undefined && !sameHolder(moved, holder)) {
      // Another process took the stale lock over between our read and rename: give it back.
      try {
        linkSync(aside, path);
      } catch {
        // the path is taken again: whoever has it holds the cell
      }
      rmSync(aside, { force: true });
      return { heldBy: moved };
    }
    rmSync(aside, { force: true });
  }
  throw new ExperimentError(`cannot lock cell ${cellName}: ${path} keeps reappearing (another aelab taking it over?)`);
}

function ownLock(path: string, mine: CellLockHolder, now: () => number): CellLock {
  const holder = { ...mine };
  return {
    holder,
    heartbeat() {
      if (!sameHolder(readLockHolder(path), holder)) return false;
      holder.heartbeatAt = new Date(now()).toISOString();
      writeFileAtomic(path, `${JSON.stringify(holder)}\n`);
      return true;
    },
    release() {
      if (sameHolder(readLockHolder(path), holder)) rmSync(path, { force: true });
    },
  };
}

/** The holder of a cell's lock, if any, and whether it is alive. */
export function cellLockState(experimentDir: string, cellName: string, timing: LockTiming = {}): { holder: CellLockHolder; alive: boolean } | undefined {
  const holder = readLockHolder(cellLockPath(experimentDir, cellName));
  return holder ? { holder, alive: holderAlive(holder, timing) } : undefined;
}
