import { execFileSync } from "node:child_process";
import os from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** Short commit, "+ local changes" when the tree is dirty; null outside a git checkout. */
  commit: string | null;
}

function commit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain"], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim() !== "";
    return dirty ? `${head} + local changes` : head;
  } catch {
    return null;
  }
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: commit(),
  };
}

/** 1, 5 and 15 minute load averages: the machine is shared, so every report says how busy it was. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [a, b, c];
}
