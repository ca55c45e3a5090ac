import type { Argv } from "yargs";
import { lossesReport, writeLossFigures } from "../report/loss-figures.js";

export const DEFAULT_LOSSES_OUT = "runs/losses";

export interface LossesArgs {
  out: string;
}

export const lossesCommand = {
  command: "losses",
  describe: "Print and draw what BCE and squared error charge around greyscale targets (claims C1 and C2 of the loss comparison)",
  builder: (y: Argv) => y.option("out", { type: "string", default: DEFAULT_LOSSES_OUT, describe: "Folder for losses.svg/.png and ratio.svg/.png" }),
  handler: async (argv: LossesArgs) => {
    process.stdout.write(`${lossesReport()}\n\n`);
    const { files } = await writeLossFigures(argv.out);
    process.stdout.write(`wrote ${files.join(", ")}\n`);
  },
};
