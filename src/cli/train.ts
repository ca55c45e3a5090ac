import type { Argv } from "yargs";
import { loadConfig } from "../config/index.js";
import { BACKEND_REQUESTS, type BackendRequest } from "../backend/index.js";
import { progressFor } from "../train/progress.js";
import { runTraining } from "../train/run.js";
import { stopOnSignals } from "./interrupt.js";

export const trainCommand = {
  command: "train <config>",
  describe: "Train one run from a YAML config and log it to TensorBoard",
  builder: (y: Argv) =>
    y
      .positional("config", { type: "string", demandOption: true, describe: "YAML config, e.g. configs/vae-bce.yaml" })
      .option("logdir", { type: "string", default: "runs", describe: "Folder that holds one sub-folder per run" })
      .option("name", { type: "string", describe: "Run name (default: the config's file name; -2, -3, ... if taken)" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest, describe: "tfjs backend; auto picks the fastest available" })
      .option("set", { type: "string", array: true, default: [] as string[], describe: "Override a config key: --set train.epochs=2 (repeatable)" }),
  handler: async (argv: { config: string; logdir: string; name?: string; backend: BackendRequest; set: string[] }) => {
    const config = loadConfig(argv.config, argv.set);
    const progress = progressFor();
    const stop = stopOnSignals((signal) => progress.message(`${signal}: stopping after this step and saving what was logged (again to exit now)`));
    try {
      const outcome = await runTraining({
        config,
        configFile: argv.config,
        logdir: argv.logdir,
        name: argv.name,
        backend: argv.backend,
        command: process.argv.slice(2).join(" "),
        progress,
        shouldStop: stop.requested,
      });
      const last = outcome.result.epochs.at(-1);
      const speed = last ? ` at ${Math.round(last.imagesPerSecond)} training images/s` : "";
      progress.message(
        `${outcome.result.stopped ? "interrupted" : "done"}: ${outcome.result.steps} steps${speed} on ${outcome.backend.name}; events in ${outcome.eventsFile}`,
      );
      progress.message(`view with: tensorboard --logdir ${argv.logdir}`);
      if (outcome.result.stopped) process.exitCode = 130;
    } finally {
      stop.dispose();
    }
  },
};
