import { readFileSync, writeFileSync } from "node:fs";

// The pieces of aelab's pid lock files (src/report/classifier-lock.ts): a file created exclusively holding
// {"pid", "startedAt"}, and the checks that tell a live holder from a dead one. A cell's lock
// (src/experiment/lock.ts) adds a host and a heartbeat, for holders on other machines.

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Creates the lock file at `path` naming this process; false when it already exists, other errors thrown. */
export function createLockFile(path: string): boolean {
  try {
    writeFileSync(path, `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  }
}

/** The pid in a lock file; undefined while it is being written or when it is unreadable. */
export function lockHolder(path: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : undefined;
  } catch {
    return undefined;
  }
}
