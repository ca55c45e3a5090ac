import type { Argv } from "yargs";
import { writeReport } from "../report/index.js";
import { summaryLines } from "../report/summary.js";
import { MEASURE_ONLY_OPTION, measureOnly } from "../report/measure-only.js";
import { BACKEND_REQUESTS, selectBackend, type BackendRequest } from "../backend/index.js";
import type { ReportWriter } from "../experiment/index.js";
import { writeSeedBands } from "../experiment/bands.js";

interface ReportArgs {
  dir: string;
  recompute: boolean;
  workers: number;
  backend: BackendRequest;
  measureOnly?: string[];
}

/** main() prints errors named UsageError as a usage mistake (one line, a pointer to --help, exit 2). */
class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The report an experiment writes once its cells have completed: on the fastest backend here (the runner
 * itself trains nothing, so it has none yet), measuring the runs with as many worker processes as ran the
 * cells. The CLI hands it to the experiment, which never imports the report itself.
 */
export function experimentReportWriter(log: (line: string) => void, workers: number): ReportWriter {
  return async (dir) => {
    await selectBackend("auto", { readsSynchronously: true });
    return writeReport(dir, { workers, log: (line) => log(`report: ${line}`) });
  };
}

export const reportCommand = {
  command: "report <dir>",
  describe: "Rebuild an experiment's report.md and figures from its runs (aelab experiment writes it too)",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "Experiment folder, e.g. runs/adversarial-claim" })
      .option("recompute", { type: "boolean", default: false, describe: "Measure every run again instead of reusing its metrics.json" })
      .option("workers", { type: "number", default: 1, describe: "Measure the runs in this many processes at once, each with its share of the cores" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest })
      // The report's own worker processes: measure these runs (writing their metrics.json), nothing else.
      .option(MEASURE_ONLY_OPTION, { type: "string", array: true, hidden: true }),
  handler: async (argv: ReportArgs) => {
    if (!Number.isInteger(argv.workers) || argv.workers < 1) throw new UsageError(`--workers must be a whole number >= 1 (got ${argv.workers})`);
    // The metrics read their tensors synchronously: a CPU backend (or tfjs-node) measures them.
    await selectBackend(argv.backend, { readsSynchronously: true });
    if (argv.measureOnly) {
      const failed = await measureOnly(argv.dir, argv.measureOnly, {
        recompute: argv.recompute,
        log: (line) => process.stdout.write(`${line}\n`),
        error: (line) => process.stderr.write(`${line}\n`),
      });
      if (failed > 0) process.exitCode = 1;
      return;
    }
    // Before the report: bands need no measuring, and an experiment run before they existed gets them here.
    writeSeedBands(argv.dir, { log: (line) => process.stdout.write(`${line}\n`) });
    const outcome = await writeReport(argv.dir, { recompute: argv.recompute, workers: argv.workers, log: (line) => process.stdout.write(`${line}\n`) });
    for (const line of summaryLines(outcome)) process.stdout.write(`${line}\n`);
  },
};
