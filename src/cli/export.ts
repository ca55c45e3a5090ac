import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Argv } from "yargs";
import { EXPORT_FORMATS, exportScalars, type ExportFormat } from "../experiment/export.js";
import { LogdirError } from "../tensorboard/index.js";
import { asFileSystemError } from "../util/file-system-error.js";

interface ExportArgs {
  folder: string;
  format: ExportFormat;
  out?: string;
}

/** The reader of stdout went away (`aelab export ... | head`): the export stops there, quietly. */
class ReaderGone extends Error {}

/** Text to stdout, waiting for it to drain when the reader is slower. */
function stdoutWriter(): (text: string) => Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  let waiting: (() => void) | undefined;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    failure ??= error;
    waiting?.();
  });
  return (text) =>
    new Promise((resolve, reject) => {
      const settle = () => {
        waiting = undefined;
        if (failure) reject(failure.code === "EPIPE" ? new ReaderGone() : failure);
        else resolve();
      };
      if (failure || process.stdout.write(text)) settle();
      else {
        waiting = settle;
        process.stdout.once("drain", settle);
      }
    });
}

/** Writes `--out` aside and renames it into place once every row is written, so a failed export leaves no half table. */
async function exportToFile(argv: ExportArgs & { out: string }): Promise<number> {
  if (!existsSync(dirname(argv.out))) throw new LogdirError(`cannot write ${argv.out}: its folder ${dirname(argv.out)} does not exist`);
  const temporary = join(dirname(argv.out), `.${basename(argv.out)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, "w");
    const open = fd;
    const outcome = await exportScalars(argv.folder, {
      format: argv.format,
      write: (text) => {
        const bytes = Buffer.from(text, "utf8");
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(open, bytes, offset);
      },
      warn: (line) => process.stderr.write(`aelab: warning: ${line}\n`),
    });
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, argv.out);
    return outcome.rows;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw asFileSystemError(error, argv.out);
  }
}

export const exportCommand = {
  command: "export <folder>",
  describe: "Write every scalar of a run or an experiment as one tidy table (CSV or JSON lines), a row per event, for pandas or R",
  builder: (y: Argv) =>
    y
      .positional("folder", {
        type: "string",
        demandOption: true,
        describe: "A run folder, an experiment folder (axis columns from its experiment.json) or any folder of runs",
      })
      .option("format", {
        choices: EXPORT_FORMATS,
        default: "csv" as ExportFormat,
        describe: "csv (RFC 4180, with a header) or jsonl (one JSON object a line)",
      })
      .option("out", { type: "string", describe: "Write to this file (replaced once complete) instead of stdout" })
      .example("$0 export runs/beta-sweep > beta-sweep.csv", "every scalar of every cell, with its axis levels")
      .example("$0 export runs/vae-bce --format jsonl --out vae-bce.jsonl", "one run as JSON lines"),
  handler: async (argv: ExportArgs) => {
    if (argv.out !== undefined) {
      const rows = await exportToFile({ ...argv, out: argv.out });
      process.stderr.write(`${rows} rows written to ${argv.out}\n`);
      return;
    }
    try {
      await exportScalars(argv.folder, {
        format: argv.format,
        write: stdoutWriter(),
        warn: (line) => process.stderr.write(`aelab: warning: ${line}\n`),
      });
    } catch (error) {
      if (!(error instanceof ReaderGone)) throw error;
    }
  },
};
