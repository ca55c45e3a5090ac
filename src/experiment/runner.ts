import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { workerThreadEnv } from "../backend/blas/threads.js";
import { dataCacheDir } from "../data/cache-dir.js";
import { featureCacheDir } from "../features/cache-dir.js";
import { readRunRecordIfAny, type RunRecord } from "../train/run-folder.js";
import { packageInfo } from "../util/package-info.js";
import { PACKAGE_ROOT } from "../util/package-root.js";
import { writeCellRecord, type CellRecord } from "./cell-record.js";
import { configHash } from "./config-hash.js";
import type { Experiment, ResolvedCell } from "./load.js";
import { describeHolder, HEARTBEAT_MS, lockCell, type CellLock, type LockTiming } from "./lock.js";
import { planCell, type CellAction, type CellPlan } from "./plan.js";

/** `node bin/aelab.js`: the cells run the same aelab as the experiment. */
export const AELAB_COMMAND: readonly string[] = [process.execPath, join(PACKAGE_ROOT, "bin", "aelab.js")];

/** "elsewhere": another live process holds the cell's lock (another shard, or another runner of the same file). */
export type CellStatus = "skipped" | "completed" | "interrupted" | "failed" | "not started" | "elsewhere";

export interface CellResult {
  cell: ResolvedCell;
  action: CellAction;
  status: CellStatus;
  seconds?: number;
  /** Where the cell's old folder went (re-run or replaced cells). */
  movedTo?: string;
  /** Why it failed: the last line of its output (aelab prints its error there), or how it exited. */
  message?: string;
}

export interface RunnerOutcome {
  results: CellResult[];
  /** Stopped by interrupt(): running cells were stopped, queued ones not started. */
  interrupted: boolean;
}

export interface RunnerOptions {
  /** Cells run at once, each in its own process (the wasm backend uses one core per process). */
  workers: number;
  /** One line per cell start and finish, with counts and the time left. */
  log: (line: string) => void;
  /** The command that starts aelab; default AELAB_COMMAND. */
  aelab?: readonly string[];
  /** Milliseconds; default Date.now. */
  now?: () => number;
  /** Re-run cells run with another config (decided again under each cell's lock). */
  force?: boolean;
  /** How often a running cell's lock and cell.json are touched; default HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** When a lock counts as left by a dead holder; default STALE_AFTER_MS. */
  staleAfterMs?: number;
}

export interface RunningCells {
  done: Promise<RunnerOutcome>;
  /**
   * First call: every running cell gets SIGINT (it stops after its current step and checkpoints), no new
   * cell starts. A second call sends SIGINT again, which makes them exit at once.
   */
  interrupt(): void;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.round((s - h * 3600) / 60)} min`;
}

/** Moves a folder to `<dir>.<tag>-<n>` (the first free n), so nothing is lost. */
export function moveAside(dir: string, tag: string): string {
  for (let n = 1; ; n++) {
    const to = `${dir}.${tag}-${n}`;
    if (existsSync(to)) continue;
    renameSync(dir, to);
    return to;
  }
}

function statusOf(dir: string): RunRecord["status"] | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as Partial<RunRecord>).status;
  } catch {
    return undefined;
  }
}

function lastLine(file: string): string | undefined {
  try {
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.at(-1);
  } catch {
    return undefined;
  }
}

/** The `aelab` arguments that run a cell: resume its folder, or a new run named after the cell. */
export function cellArguments(experiment: Experiment, cell: ResolvedCell, action: CellAction): string[] {
  if (action.kind === "resume") return ["train", "--resume", cell.dir];
  return ["train", experiment.spec.basePath, ...cell.assignments.flatMap((a) => ["--set", a]), "--name", cell.name, "--logdir", experiment.dir];
}

interface Active {
  plan: CellPlan;
  child: ChildProcess;
  startedAt: number;
  movedTo?: string;
  lock: CellLock;
  record: CellRecord;
  heartbeat: NodeJS.Timeout;
}

/**
 * Runs the planned cells, `workers` at a time, each as `aelab train` in a child process whose output
 * goes to the cell's log file. Cells are taken in grid order; completed ones are skipped at once.
 */
export function runCells(experiment: Experiment, plans: readonly CellPlan[], options: RunnerOptions): RunningCells {
  const now = options.now ?? Date.now;
  const command = options.aelab ?? AELAB_COMMAND;
  const workers = Math.max(1, Math.floor(options.workers));
  // Each cell gets its share of the cores for BLAS threads, never more threads than cores in all.
  const threadEnv = workerThreadEnv(workers);
  const total = plans.length;
  const queue = [...plans];
  const results = new Map<string, CellResult>();
  const active = new Set<Active>();
  const durations: number[] = [];
  let stops = 0;
  let resolveDone!: (outcome: RunnerOutcome) => void;
  const done = new Promise<RunnerOutcome>((resolve) => (resolveDone = resolve));

  // If the runner's own process ends abruptly, its cells stop cleanly (SIGTERM = stop after this step).
  const killOnExit = () => {
    for (const { child, lock } of active) {
      child.kill("SIGTERM");
      lock.release();
    }
  };
  process.on("exit", killOnExit);

  const counts = (): string => {
    const finished = [...results.values()];
    const ok = finished.filter((r) => r.status === "completed" || r.status === "skipped").length;
    const failed = finished.filter((r) => r.status === "failed").length;
    let line = `${ok}/${total} done`;
    if (failed) line += `, ${failed} failed`;
    if (durations.length > 0 && stops === 0) {
      const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
      const queued = queue.filter((p) => p.action.kind !== "skip").length;
      const runningLeft = [...active].reduce((sum, a) => sum + Math.max(0, mean - (now() - a.startedAt)), 0);
      const left = (queued * mean + runningLeft) / workers;
      if (left >= 1000) line += `, ~${formatDuration(left)} left`;
    }
    return line;
  };

  const timing: LockTiming = { now, ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}) };

  /** cell.json, once `aelab train` has made the cell's folder (a new run's folder is its to create). */
  const touchRecord = (cell: ResolvedCell, record: CellRecord) => {
    if (!existsSync(cell.dir)) return;
    try {
      writeCellRecord(cell.dir, record);
    } catch {
      // a folder moved or removed under us; the lock's heartbeat is what other runners go by
    }
  };

  const finishCell = (entry: Active, code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
    if (!active.delete(entry)) return;
    const { cell, action } = entry.plan;
    const ms = now() - entry.startedAt;
    const status = statusOf(cell.dir);
    clearInterval(entry.heartbeat);
    const result: CellResult = { cell, action, status: "failed", seconds: ms / 1000, ...(entry.movedTo ? { movedTo: entry.movedTo } : {}) };
    const took = formatDuration(ms);
    if (!spawnError && code === 0 && status === "completed") {
      result.status = "completed";
      durations.push(ms);
      results.set(cell.name, result);
      options.log(`done    ${cell.name}: completed in ${took} (${counts()})`);
    } else if (!spawnError && (code === 130 || status === "interrupted" || (stops > 0 && signal !== null))) {
      result.status = "interrupted";
      results.set(cell.name, result);
      options.log(`stopped ${cell.name} after ${took}: interrupted (${counts()})`);
    } else {
      const how = spawnError
        ? `could not start: ${spawnError.message}`
        : code === 0
          ? `exited 0 but run.json says ${status ?? "nothing"}`
          : signal
            ? `killed by ${signal}`
            : `exit code ${code}`;
      // aelab ends with its own one-line error; anything else last in the log (a progress line before a
      // kill, the end of a stack trace) says less than how the process ended.
      const said = spawnError ? undefined : lastLine(cell.log);
      result.message = said?.startsWith("aelab: ") ? said : how;
      results.set(cell.name, result);
      options.log(`FAILED  ${cell.name} after ${took} (${how}): ${result.message}; log: ${cell.log} (${counts()})`);
    }
    // How the runner saw it end: a run killed mid-step leaves run.json saying "running", cell.json says better.
    const ended = new Date(now()).toISOString();
    const backend = readRunRecordIfAny(cell.dir)?.backend;
    touchRecord(cell, { ...entry.record, heartbeatAt: ended, endedAt: ended, status: result.status, ...(backend !== undefined ? { backend } : {}) });
    entry.lock.release();
    pump();
  };

  const start = (plan: CellPlan, lock: CellLock) => {
    const { cell, action } = plan;
    mkdirSync(dirname(cell.log), { recursive: true });
    // createRunFolder makes the cell's own folder; its parents (one level per axis) must exist.
    mkdirSync(dirname(cell.dir), { recursive: true });
    let movedTo: string | undefined;
    if (action.kind === "rerun") movedTo = moveAside(cell.dir, "failed");
    if (action.kind === "replace") movedTo = moveAside(cell.dir, "old");
    const args = cellArguments(experiment, cell, action);
    const fd = openSync(cell.log, "a");
    let child: ChildProcess;
    try {
      writeSync(fd, `\n# ${new Date(now()).toISOString()}: aelab ${args.join(" ")}\n`);
      // Its own process group: a Ctrl-C in the terminal reaches only the runner, which forwards exactly one
      // SIGINT per Ctrl-C (two would make the cell exit without its checkpoint).
      child = spawn(command[0], [...command.slice(1), ...args], {
        stdio: ["ignore", fd, fd],
        env: {
          ...process.env,
          ...threadEnv,
          CI: "true",
          AELAB_DATA_CACHE: dataCacheDir(dirname(experiment.dir)),
          AELAB_FEATURE_CACHE: featureCacheDir(dirname(experiment.dir)),
        },
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const startedAt = new Date(now()).toISOString();
    const record: CellRecord = {
      name: cell.name,
      index: experiment.cells.indexOf(cell),
      configHash: configHash(cell.config),
      host: lock.holder.host,
      pid: process.pid,
      ...(child.pid !== undefined ? { trainPid: child.pid } : {}),
      seed: cell.config.seed,
      aelabVersion: packageInfo.version,
      startedAt,
      heartbeatAt: startedAt,
    };
    // The lock's heartbeat tells other runners (other machines too) that this cell is alive; cell.json
    // keeps the same for people reading the folder.
    const heartbeat = setInterval(() => {
      record.heartbeatAt = new Date(now()).toISOString();
      if (!lock.heartbeat()) options.log(`warning: ${cell.name}: its lock was taken over by another runner (this one was judged dead)`);
      touchRecord(cell, record);
    }, options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    const entry: Active = { plan, child, startedAt: now(), lock, record, heartbeat, ...(movedTo ? { movedTo } : {}) };
    active.add(entry);
    touchRecord(cell, record);
    child.once("error", (error) => finishCell(entry, null, null, error));
    child.once("close", (code, signal) => finishCell(entry, code, signal));
    const how = action.kind === "resume" ? `resume (${action.status})` : movedTo ? `new run; old folder moved to ${movedTo}` : "new run";
    options.log(`start   ${cell.name}: ${how}; log: ${cell.log}`);
  };

  const pump = () => {
    while (stops === 0 && active.size < workers && queue.length > 0) {
      const plan = queue.shift()!;
      if (plan.action.kind === "skip") {
        results.set(plan.cell.name, { cell: plan.cell, action: plan.action, status: "skipped" });
        options.log(`skip    ${plan.cell.name}: completed with this config (${counts()})`);
        continue;
      }
      let lock: CellLock | undefined;
      try {
        const taken = lockCell(experiment.dir, plan.cell.name, timing);
        if (!("release" in taken)) {
          const message = `running elsewhere (${describeHolder(taken.heldBy, timing)})`;
          results.set(plan.cell.name, { cell: plan.cell, action: plan.action, status: "elsewhere", message });
          options.log(`busy    ${plan.cell.name}: ${message} (${counts()})`);
          continue;
        }
        lock = taken;
        // Decided again under the lock: another runner may have finished or stopped the cell meanwhile.
        const action = planCell(plan.cell, { force: options.force ?? false });
        if (action.kind === "skip") {
          lock.release();
          results.set(plan.cell.name, { cell: plan.cell, action, status: "skipped" });
          options.log(`skip    ${plan.cell.name}: completed with this config, by another runner (${counts()})`);
          continue;
        }
        if (action.kind === "conflict") throw new Error(`it was run with another config meanwhile: ${action.difference}`);
        start({ cell: plan.cell, action }, lock);
      } catch (error) {
        lock?.release();
        results.set(plan.cell.name, { cell: plan.cell, action: plan.action, status: "failed", message: (error as Error).message });
        options.log(`FAILED  ${plan.cell.name}: could not start: ${(error as Error).message}`);
      }
    }
    if (active.size === 0 && (queue.length === 0 || stops > 0)) {
      process.off("exit", killOnExit);
      resolveDone({
        results: plans.map((p) => results.get(p.cell.name) ?? { cell: p.cell, action: p.action, status: "not started" }),
        interrupted: stops > 0,
      });
    }
  };

  // Started on the next tick, so the caller holds the handle (and can interrupt) before any line is logged.
  setImmediate(pump);
  return {
    done,
    interrupt() {
      stops += 1;
      if (stops === 1) {
        options.log(
          `stopping: ${active.size} running cell${active.size === 1 ? "" : "s"} stop after the current step and save a checkpoint; no new cells start (again to stop them at once)`,
        );
      } else {
        options.log("stopping the running cells at once");
      }
      for (const { child } of active) child.kill("SIGINT");
    },
  };
}
