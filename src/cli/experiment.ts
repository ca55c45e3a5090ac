import type { Argv } from "yargs";
import {
  describeExperiment,
  ExperimentError,
  findCell,
  listLines,
  loadExperiment,
  parseShard,
  planCell,
  shardCells,
  startExperiment,
  type Experiment,
  type ResolvedCell,
} from "../experiment/index.js";
import { experimentReportWriter } from "./report.js";

interface ExperimentArgs {
  file: string;
  logdir: string;
  workers: number;
  force: boolean;
  report: boolean;
  dryRun: boolean;
  list: boolean;
  cell?: string;
  shard?: string;
  data?: string;
  set: string[];
}

/** main() prints errors named UsageError as a usage mistake (one line, a pointer to --help, exit 2). */
class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes beyond 0, 2 (a bad file or command line) and 130 (interrupted). */
const EXIT_CELLS_FAILED = 1;
const EXIT_REPORT_FAILED = 3;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function continueCommand(argv: ExperimentArgs): string {
  const parts = ["aelab experiment", argv.file];
  if (argv.logdir !== "runs") parts.push("--logdir", argv.logdir);
  if (argv.workers !== 1) parts.push("--workers", String(argv.workers));
  if (!argv.report) parts.push("--no-report");
  if (argv.cell !== undefined) parts.push("--cell", argv.cell);
  if (argv.shard !== undefined) parts.push("--shard", argv.shard);
  if (argv.data) parts.push("--data", argv.data);
  for (const assignment of argv.set) parts.push("--set", assignment);
  return parts.join(" ");
}

/** The cells `--cell` or `--shard` pick, or undefined for the whole grid. */
function selectedCells(experiment: Experiment, argv: ExperimentArgs): ResolvedCell[] | undefined {
  if (argv.cell !== undefined) return [findCell(experiment, argv.cell)];
  if (argv.shard !== undefined) return shardCells(experiment.cells, parseShard(argv.shard));
  return undefined;
}

export const experimentCommand = {
  command: "experiment <file>",
  describe: "Run every cell of an experiment grid (experiments/*.yaml), or one cell, or a shard of them, each as a normal run, then write the report",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: "Experiment YAML: base config, overrides, axes, exclude" })
      .option("logdir", { type: "string", default: "runs", describe: "The experiment's runs go to <logdir>/<experiment name>/<cell>" })
      .option("workers", {
        type: "number",
        default: 1,
        describe: "Cells run at once, each in its own process (one core each on wasm); the report measures as many runs at once",
      })
      .option("force", { type: "boolean", default: false, describe: "Re-run cells run with another config (their old folders are moved aside)" })
      .option("report", { type: "boolean", default: true, describe: "Write the report once every cell has completed (--no-report: don't)" })
      .option("data", { type: "string", describe: "Train every cell on this data instead (data.source: a folder of IDX files, e.g. full MNIST)" })
      .option("set", {
        type: "string",
        array: true,
        default: [] as string[],
        describe: "Override a config key in every cell: --set train.epochs=20 (repeatable)",
      })
      .option("dry-run", { type: "boolean", default: false, describe: "Print the cells, their overrides and what would happen to each; run nothing" })
      .option("list", {
        type: "boolean",
        default: false,
        describe: "Print every cell: its index, its config's hash and its state (done, running, failed, stopped, missing, stale, changed); run nothing",
      })
      .option("cell", { type: "string", describe: "Run one cell: its index (as --list prints it) or its name" })
      .option("shard", {
        type: "string",
        describe: "Run shard i of n (--shard 2/4): the cells whose index k has k mod n = i-1, the same whatever has finished",
      })
      .conflicts("cell", "shard")
      .example("$0 experiment experiments/adversarial-claim.yaml --workers 2", "run the grid two cells at a time")
      .example("$0 experiment experiments/adversarial-claim.yaml --list", "each cell's index, config hash and state")
      .example("$0 experiment experiments/adversarial-claim.yaml --shard 1/4", "run a quarter of the cells (e.g. one machine of four)")
      .example("$0 experiment experiments/adversarial-claim.yaml --dry-run", "the cells, their overrides and what would happen to each"),
  handler: async (argv: ExperimentArgs) => {
    if (!Number.isInteger(argv.workers) || argv.workers < 1) throw new UsageError(`--workers must be a whole number >= 1 (got ${argv.workers})`);
    const set = [...(argv.data ? [`data.source=${argv.data}`] : []), ...argv.set];
    const experiment = loadExperiment(argv.file, { logdir: argv.logdir, set });
    if (argv.list) {
      for (const line of listLines(experiment)) say(line);
      return;
    }
    const cells = selectedCells(experiment, argv);
    if (argv.dryRun) {
      const plans = (cells ?? experiment.cells).map((cell) => ({ cell, action: planCell(cell, { force: argv.force }) }));
      for (const line of describeExperiment(experiment, plans)) say(line);
      return;
    }

    let running: ReturnType<typeof startExperiment>;
    try {
      const writeReport = experimentReportWriter(say, argv.workers);
      running = startExperiment(experiment, {
        workers: argv.workers,
        force: argv.force,
        report: argv.report,
        writeReport,
        log: say,
        ...(cells ? { cells } : {}),
      });
    } catch (error) {
      if (!(error instanceof ExperimentError)) throw error;
      process.stderr.write(`aelab: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 2) process.exit(130);
      say(`${signal}${signals > 1 ? " again" : ""}`);
      running.interrupt();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let outcome: Awaited<ReturnType<typeof startExperiment>["done"]>;
    try {
      outcome = await running.done;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }

    say(`view with: tensorboard --logdir ${experiment.dir}`);
    if (outcome.interrupted) {
      say(`interrupted; continue with: ${continueCommand(argv)} (completed cells are skipped, stopped ones resume from their checkpoints)`);
      process.exitCode = 130;
    } else if (outcome.failed.length > 0) {
      process.stderr.write(
        `aelab: ${outcome.failed.length} of ${outcome.results.length} cells failed (listed above with their logs); running the command again re-runs them and skips the rest\n`,
      );
      process.exitCode = EXIT_CELLS_FAILED;
    } else if (outcome.report && "error" in outcome.report) {
      process.stderr.write(
        `aelab: report failed: ${outcome.report.error} (every cell completed; run the command again to retry the report, or pass --no-report)\n`,
      );
      process.exitCode = EXIT_REPORT_FAILED;
    }
  },
};
