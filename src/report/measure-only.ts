import { relative } from "node:path";
import { firstLine } from "../util/first-line.js";
import { measureCachesOf, releaseMeasureCaches, runMetrics } from "./run-metrics.js";

/**
 * A report worker: `aelab report <experiment> --measure-only <run>...` measures the given runs exactly as
 * the report does in its own process (runMetrics, writing each run's metrics.json) and nothing else; the
 * report that started it reads those files.
 */

/** The `aelab report` option that makes it a worker (hidden from --help). */
export const MEASURE_ONLY_OPTION = "measure-only";

const FAILED = " failed: ";

/** The line a worker prints (to stderr) when a run cannot be measured; the report names the run from it. */
export function failureLine(runDir: string, message: string): string {
  return `aelab: measuring ${runDir}${FAILED}${message}`;
}

/** The line a worker prints (to stdout) once a run's metrics.json is written. */
export function measuredLine(runDir: string): string {
  return `measured ${runDir}`;
}

/** The message of a worker's failureLine for `runDir`, if `line` is one. */
export function failureMessage(line: string, runDir: string): string | undefined {
  const prefix = `aelab: measuring ${runDir}${FAILED}`;
  return line.startsWith(prefix) ? line.slice(prefix.length) : undefined;
}

export interface MeasureOnlyOptions {
  recompute?: boolean;
  log: (line: string) => void;
  /** Gets one failureLine per run that could not be measured. */
  error: (line: string) => void;
}

/**
 * Measures every run in `runDirs` (paths exactly as the report passes them: they are written into
 * metrics.json). A run that fails is reported and the next one measured. Returns how many failed.
 */
export async function measureOnly(experimentDir: string, runDirs: readonly string[], options: MeasureOnlyOptions): Promise<number> {
  const context = { ...measureCachesOf(experimentDir), recompute: options.recompute, log: options.log };
  let failed = 0;
  try {
    for (const runDir of runDirs) {
      options.log(`measuring ${relative(experimentDir, runDir) || runDir}`);
      try {
        await runMetrics(runDir, context);
        options.log(measuredLine(runDir));
      } catch (error) {
        failed += 1;
        options.error(failureLine(runDir, firstLine(error)));
      }
    }
  } finally {
    await releaseMeasureCaches();
  }
  return failed;
}
