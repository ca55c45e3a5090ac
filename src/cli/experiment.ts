import type { Argv } from "yargs";
import { describeExperiment, ExperimentError, loadExperiment, planExperiment, startExperiment } from "../experiment/index.js";

interface ExperimentArgs {
  file: string;
  logdir: string;
  workers: number;
  force: boolean;
  report: boolean;
  dryRun: boolean;
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
  if (argv.data) parts.push("--data", argv.data);
  for (const assignment of argv.set) parts.push("--set", assignment);
  return parts.join(" ");
}

export const experimentCommand = {
  command: "experiment <file>",
  describe: "Run every cell of an experiment grid (experiments/*.yaml) as a normal run, then write the report",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: "Experiment YAML: base config, overrides, axes, exclude" })
      .option("logdir", { type: "string", default: "runs", describe: "The experiment's runs go to <logdir>/<experiment name>/<cell>" })
      .option("workers", { type: "number", default: 1, describe: "Cells run at once, each in its own process (one core each on wasm); the report measures as many runs at once" })
      .option("force", { type: "boolean", default: false, describe: "Re-run cells run with another config (their old folders are moved aside)" })
      .option("report", { type: "boolean", default: true, describe: "Write the report once every cell has completed (--no-report: don't)" })
      .option("data", { type: "string", describe: "Train every cell on this data instead (data.source: a folder of IDX files, e.g. full MNIST)" })
      .option("set", { type: "string", array: true, default: [] as string[], describe: "Override a config key in every cell: --set train.epochs=20 (repeatable)" })
      .option("dry-run", { type: "boolean", default: false, describe: "Print the cells, their overrides and what would happen to each; run nothing" })
      .example("$0 experiment experiments/adversarial-claim.yaml --workers 2", "run the grid two cells at a time")
      .example("$0 experiment experiments/adversarial-claim.yaml --dry-run", "list the cells"),
  handler: async (argv: ExperimentArgs) => {
    if (!Number.isInteger(argv.workers) || argv.workers < 1) throw new UsageError(`--workers must be a whole number >= 1 (got ${argv.workers})`);
    const set = [...(argv.data ? [`data.source=${argv.data}`] : []), ...argv.set];
    const experiment = loadExperiment(argv.file, { logdir: argv.logdir, set });
    if (argv.dryRun) {
      for (const line of describeExperiment(experiment, planExperiment(experiment, { force: argv.force }))) say(line);
      return;
    }

    let running;
    try {
      running = startExperiment(experiment, { workers: argv.workers, force: argv.force, report: argv.report, log: say });
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
    let outcome;
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
