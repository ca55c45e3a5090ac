import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExperimentError } from "./errors.js";

export const LOCK_FILE = ".aelab-experiment.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One runner per experiment folder at a time. Besides keeping two runners from starting the same cell,
 * it lets a run.json that says "running" be read as "its process died" (nobody else is running it).
 * A lock left by a process that is gone is taken over. Returns the release function.
 */
export function lockExperiment(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`, { flag: "wx" });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: number | undefined;
      try {
        holder = (JSON.parse(readFileSync(path, "utf8")) as { pid?: number }).pid;
      } catch {
        holder = undefined;
      }
      if (holder !== undefined && holder !== process.pid && alive(holder)) {
        throw new ExperimentError(`${dir} is in use by another aelab experiment (pid ${holder}); wait for it to end or stop it (a stale lock is ${path})`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new ExperimentError(`cannot lock ${dir}: ${path} keeps reappearing (another aelab experiment starting?)`);
}
