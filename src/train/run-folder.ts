import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type { RunConfig } from "../config/schema.js";
import { asFileSystemError } from "../util/file-system-error.js";
import { checkInsideLogdir } from "../util/inside-logdir.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import type { Convergence } from "./early-stopping.js";

/**
 * `<logdir>/<name>`, or `<name>-2`, `-3`, ... if taken: a new run never writes into an old run's folder,
 * so TensorBoard never mixes two runs' curves. A name nests with "/" (an experiment's cells are
 * `<level>/<level>/...`); it is checked to stay inside the logdir before anything is created.
 */
export function createRunFolder(logdir: string, name: string): { dir: string; name: string } {
  checkInsideLogdir(logdir, join(logdir, name));
  const parent = dirname(join(logdir, name));
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw asFileSystemError(error, parent);
  }
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}-${i}`;
    const dir = join(logdir, candidate);
    // A dangling symlink here is taken too: mkdir refuses to create through it (EEXIST).
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir);
      return { dir, name: candidate };
    } catch (error) {
      // Another process took the name between the check and mkdir: try the next one.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw asFileSystemError(error, dir);
    }
  }
}

export function writeResolvedConfig(dir: string, config: RunConfig, header: string): void {
  writeFileAtomic(join(dir, "config.yaml"), `# ${header}\n${stringify(config)}`);
}

/** Everything besides the config that a repeat of the run needs or a reader of it wants to know. */
export interface RunRecord {
  name: string;
  command: string;
  configFile: string;
  status: "running" | "completed" | "interrupted" | "failed";
  error?: string;
  aelabVersion: string;
  node: string;
  backend: unknown;
  /** What the networks were built for; sampling from the run needs only this, not the data. */
  /** `train` counts the examples trained on, after the validation split (if any) is held out of them. */
  dataset?: { name: string; source: string; height: number; width: number; channels: number; train: number; validation?: number; test: number };
  startedAt: string;
  resumedAt?: string[];
  endedAt?: string;
  steps?: number;
  epochs?: unknown[];
  /** How early stopping ended the run (train.earlyStopping only). */
  convergence?: Convergence;
}

/** A run folder's run.json, or undefined if it is missing or unreadable (callers decide what that means). */
export function readRunRecordIfAny(dir: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunRecord;
  } catch {
    return undefined;
  }
}

export function writeRunRecord(dir: string, record: RunRecord): void {
  writeFileAtomic(join(dir, "run.json"), `${JSON.stringify(record, null, 2)}\n`);
}
