import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { KERNELS_REQUESTS } from "../backend/index.js";
import { installExitFlush } from "../tensorboard/index.js";
import { compareRunsCommand } from "./compare-runs.js";
import { dataCommand } from "./data.js";
import { reportError } from "./errors.js";
import { evalCommand } from "./eval.js";
import { experimentCommand } from "./experiment.js";
import { exportCommand } from "./export.js";
import { infoCommand } from "./info.js";
import { lossesCommand } from "./losses.js";
import { reportCommand } from "./report.js";
import { sampleCommand } from "./sample.js";
import { slurmCommand } from "./slurm.js";
import { tbCommand } from "./tb.js";
import { trainCommand } from "./train.js";

/** The aelab command line: parses argv and hands typed options to the commands; nothing else knows argv. */
export async function main(argv: string[]): Promise<number> {
  // Whatever ends the process (a crash, a signal, process.exit), open event files write what they queued.
  const removeExitFlush = installExitFlush();
  try {
    await yargs(argv)
      .scriptName("aelab")
      .command(trainCommand)
      .command(experimentCommand)
      .command(slurmCommand)
      .command(sampleCommand)
      .command(evalCommand)
      .command(reportCommand)
      .command(tbCommand)
      .command(exportCommand)
      .command(compareRunsCommand)
      .command(lossesCommand)
      .command(infoCommand)
      .command(dataCommand)
      .option("kernels", {
        choices: KERNELS_REQUESTS,
        global: true,
        describe: "wasm backend kernels: native (BLAS addon), wasm, or auto (native where built); same as AELAB_KERNELS",
      })
      .option("threads", { type: "number", global: true, describe: "BLAS threads for the native kernels (default: every core); same as AELAB_THREADS" })
      // Through the environment, so the processes aelab starts (experiment cells, report workers) inherit them.
      .middleware((args) => {
        if (args.kernels !== undefined) process.env.AELAB_KERNELS = String(args.kernels);
        if (args.threads !== undefined) {
          if (!Number.isInteger(args.threads) || args.threads < 1) throw new UsageError(`--threads must be an integer >= 1 (got ${String(args.threads)})`);
          process.env.AELAB_THREADS = String(args.threads);
        }
      })
      .demandCommand(1, "name a command: train, experiment, slurm, report, sample, eval, tb, export, compare-runs, losses, info, data (see aelab --help)")
      .strict()
      .help()
      .alias("h", "help")
      .version(false)
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .fail((message, error, y) => {
        if (error) throw error;
        void y;
        throw new UsageError(message);
      })
      .parseAsync();
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  } finally {
    removeExitFlush();
  }
}

/** A command line yargs could not make sense of; printed as one line with a pointer to --help. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

export function argvOfProcess(): string[] {
  return hideBin(process.argv);
}
