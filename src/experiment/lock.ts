import { rmSync } from "node:fs";
import { join } from "node:path";
import { createLockFile, lockHolder, processAlive } from "../util/lock-file.js";
import { ExperimentError } from "./errors.js";

export const LOCK_FILE = ".aelab-experiment.lock";

/**
 * One runner per experiment folder at a time. Besides keeping two runners from starting the same cell,
 * it lets a run.json that says "running" be read as "its process died" (nobody else is running it).
 * A lock left by a process that is gone is taken over. Returns the release function.
 */
export function lockExperiment(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLockFile(path)) return () => rmSync(path, { force: true });
    const holder = lockHolder(path);
    if (holder !== undefined && holder !== process.pid && processAlive(holder)) {
      throw new ExperimentError(`${dir} is in use by another aelab experiment (pid ${holder}); wait for it to end or stop it (a stale lock is ${path})`);
    }
    rmSync(path, { force: true });
  }
  throw new ExperimentError(`cannot lock ${dir}: ${path} keeps reappearing (another aelab experiment starting?)`);
}
