import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createLockFile, lockHolder, processAlive } from "./lock-file.js";

const POLL_MS = 200;
// A lock file still empty or unreadable after this long was left by a process that died while creating it.
const UNREADABLE_STALE_MS = 30_000;

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

async function holdWhile<T>(path: string, fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  let told = false;
  while (!createLockFile(path)) {
    const holder = lockHolder(path);
    // Our own pid is an earlier process's lock (calls in this process are queued in `queues` first).
    const stale = holder === undefined ? ageMs(path) > UNREADABLE_STALE_MS : holder === process.pid || !processAlive(holder);
    if (stale) {
      rmSync(path, { force: true });
      continue;
    }
    if (!told && holder !== undefined) {
      log(`waiting for process ${holder}, which is preparing ${path.replace(/\.lock$/, "")}`);
      told = true;
    }
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding `<cacheDir>/<key>.lock`: the report's worker processes (or two reports sharing a
 * logdir) would otherwise train the same classifier at once and swap their checkpoints into the same
 * cache entry. The others wait, then load what the holder saved. A lock whose process is gone is taken
 * over; two waiters taking over the same stale lock at the same instant could both proceed, which only
 * a crash followed by that exact race can cause.
 */
export async function withCacheLock<T>(cacheDir: string, key: string, fn: () => Promise<T>, log: (line: string) => void = () => {}): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${key}.lock`);
  const mine = (queues.get(path) ?? Promise.resolve()).catch(() => undefined).then(() => holdWhile(path, fn, log));
  queues.set(path, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(path) === mine) queues.delete(path);
  }
}
