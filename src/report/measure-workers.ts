import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_REQUESTS, workerThreadEnv } from "../backend/index.js";
import { loadConfig } from "../config/index.js";
import { AELAB_COMMAND } from "../experiment/runner.js";
import { RunError } from "../train/run.js";
import { failureMessage, MEASURE_ONLY_OPTION, measuredLine } from "./measure-only.js";
import { cachedRunMetrics, claimsNeedFeatures, measureCachesOf, datasetCacheKey, runMetrics, type RunMetrics } from "./run-metrics.js";

export interface RunToMeasure {
  /** The cell's name, for log lines. */
  name: string;
  /** The run folder, exactly as the report passes it to runMetrics (it is written into metrics.json). */
  dir: string;
}

export interface WorkersOptions {
  /** At most this many worker processes. */
  workers: number;
  recompute?: boolean;
  log: (line: string) => void;
  /** The command that starts aelab; default AELAB_COMMAND (`node bin/aelab.js`), as for the cells. */
  aelab?: readonly string[];
}

/**
 * `runs` in at most `workers` slices of near-equal size, each a contiguous stretch after a stable sort by
 * `keyOf`: runs on the same dataset split share a worker where they can, so each worker loads few
 * datasets and classifiers (and a classifier is trained by one worker while the others measure).
 */
export function splitAmongWorkers<T>(runs: readonly T[], workers: number, keyOf: (run: T) => string): T[][] {
  const keys = new Map(runs.map((r) => [r, keyOf(r)]));
  const sorted = [...runs].sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : keys.get(a)! > keys.get(b)! ? 1 : 0));
  const n = Math.max(1, Math.min(Math.floor(workers), sorted.length));
  const slices: T[][] = [];
  let start = 0;
  for (let w = 0; w < n; w++) {
    const size = Math.floor(sorted.length / n) + (w < sorted.length % n ? 1 : 0);
    slices.push(sorted.slice(start, start + size));
    start += size;
  }
  return slices.filter((s) => s.length > 0);
}

interface WorkerEnd {
  runs: RunToMeasure[];
  measured: Set<string>;
  stderr: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

/** The workers measure on the backend the report runs on, so their numbers are the report's own. */
function activeBackend(): string {
  const name = tf.getBackend();
  return (BACKEND_REQUESTS as readonly string[]).includes(name) ? name : "auto";
}

/** Why a run its worker did not measure failed: its failure line, else the worker's last error line or how it ended. */
function failureOf(dir: string, end: WorkerEnd): string {
  for (const line of [...end.stderr].reverse()) {
    const message = failureMessage(line, dir);
    if (message !== undefined) return message;
  }
  if (end.spawnError) return `its worker could not start: ${end.spawnError.message}`;
  // aelab's own error line (reportError) without its "aelab: ", which the report's error adds again.
  const last = end.stderr.at(-1)?.replace(/^aelab: /, "");
  if (last) return last;
  if (end.signal) return `its worker was killed by ${end.signal}`;
  return end.code === 0 ? "its worker wrote no metrics.json for it" : `its worker exited with code ${end.code} before measuring it`;
}

function runWorker(
  command: readonly string[],
  args: string[],
  env: NodeJS.ProcessEnv,
  runs: RunToMeasure[],
  log: (line: string) => void,
  children: Set<ReturnType<typeof spawn>>,
): Promise<WorkerEnd> {
  return new Promise((resolve) => {
    const end: WorkerEnd = { runs, measured: new Set(), stderr: [], code: null, signal: null };
    const doneLines = new Map(runs.map((r) => [measuredLine(r.dir), r.dir]));
    const child = spawn(command[0], [...command.slice(1), ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    children.add(child);
    // Its progress lines go to the report's log; the lines that say a run is done are for the report only.
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const dir = doneLines.get(line);
      if (dir !== undefined) end.measured.add(dir);
      else if (line.trim()) log(line);
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (line.trim()) end.stderr.push(line.trim());
    });
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      children.delete(child);
      resolve(end);
    };
    child.once("error", (error) => {
      end.spawnError = error;
      finish();
    });
    child.once("close", (code, signal) => {
      end.code = code;
      end.signal = signal;
      finish();
    });
  });
}

/**
 * Every run's metrics, as runMetrics gives them, with the runs that need measuring (no metrics.json for
 * their checkpoint, or `recompute`) split among up to `workers` child processes (`aelab report
 * --measure-only`), each with its share of the cores. Runs whose metrics.json is current are read here.
 * A run a worker could not measure gets one log line naming it and the worker's error; the other
 * workers go on, and once all have ended the first such line is thrown.
 */
export async function measureInWorkers(experimentDir: string, runs: readonly RunToMeasure[], options: WorkersOptions): Promise<Map<string, RunMetrics>> {
  const results = new Map<string, RunMetrics>();
  const todo: Array<RunToMeasure & { dataKey: string }> = [];
  const withFeatures = claimsNeedFeatures(experimentDir);
  for (const run of runs) {
    const cached = options.recompute ? undefined : await cachedRunMetrics(run.dir, withFeatures);
    if (cached) results.set(run.dir, cached);
    else todo.push({ ...run, dataKey: datasetCacheKey(loadConfig(join(run.dir, "config.yaml"))) });
  }
  if (todo.length === 0) return results;

  const slices = splitAmongWorkers(todo, options.workers, (r) => r.dataKey);
  if (slices.length === 1) {
    // One run to measure: a worker would only add its start-up time.
    const context = { ...measureCachesOf(experimentDir), recompute: options.recompute, log: options.log };
    for (const run of todo) {
      options.log(`measuring ${run.name}`);
      results.set(run.dir, await runMetrics(run.dir, context));
    }
    return results;
  }

  const command = options.aelab ?? AELAB_COMMAND;
  const threadEnv = workerThreadEnv(slices.length);
  // CI: no progress bars in output nobody watches (as for the cells).
  const env = { ...process.env, ...threadEnv, CI: "true" };
  options.log(`measuring ${todo.length} runs in ${slices.length} worker processes (${threadEnv.AELAB_THREADS} BLAS thread(s) each)`);
  const children = new Set<ReturnType<typeof spawn>>();
  // If the report's process ends abruptly, its workers end too.
  const killOnExit = () => {
    for (const child of children) child.kill("SIGTERM");
  };
  process.on("exit", killOnExit);
  const failures: string[] = [];
  // Each worker's runs are checked as soon as it ends, so a failure is told while the others go on.
  const collect = async (end: WorkerEnd) => {
    for (const run of end.runs) {
      const metrics = end.measured.has(run.dir) ? await cachedRunMetrics(run.dir, withFeatures) : undefined;
      if (metrics) {
        results.set(run.dir, metrics);
        continue;
      }
      const line = `could not measure ${run.name} (${run.dir}): ${failureOf(run.dir, end)}`;
      options.log(line);
      failures.push(line);
    }
  };
  try {
    await Promise.all(
      slices.map(async (slice) => {
        const args = [
          "report",
          experimentDir,
          "--backend",
          activeBackend(),
          ...(options.recompute ? ["--recompute"] : []),
          `--${MEASURE_ONLY_OPTION}`,
          ...slice.map((r) => r.dir),
        ];
        await collect(await runWorker(command, args, env, slice, options.log, children));
      }),
    );
  } finally {
    process.off("exit", killOnExit);
  }
  if (failures.length > 0) throw new RunError(`${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more runs, listed above)` : ""}`);
  return results;
}
