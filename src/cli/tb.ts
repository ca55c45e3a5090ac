import type { Argv } from "yargs";
import { LogdirError, formatLogdirSummary, summarizeLogdir } from "../tensorboard/index.js";

export interface TbReport {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** What `aelab tb <logdir>` prints, as a value: a missing logdir is one stderr line and exit code 2. */
export function tbReport(logdir: string): TbReport {
  try {
    return { stdout: `${formatLogdirSummary(logdir, summarizeLogdir(logdir))}\n`, stderr: "", exitCode: 0 };
  } catch (error) {
    if (error instanceof LogdirError) return { stdout: "", stderr: `aelab: ${error.message}\n`, exitCode: 2 };
    throw error;
  }
}

export const tbCommand = {
  command: "tb <logdir>",
  describe: "List the runs and tags of the TensorBoard event files under a logdir, and print the command to open them",
  builder: (y: Argv) => y.positional("logdir", { type: "string", demandOption: true, describe: "Folder holding run folders (e.g. runs)" }),
  handler: (argv: { logdir: string }) => {
    const report = tbReport(argv.logdir);
    process.stdout.write(report.stdout);
    process.stderr.write(report.stderr);
    if (report.exitCode !== 0) process.exitCode = report.exitCode;
  },
};
