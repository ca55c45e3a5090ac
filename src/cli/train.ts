import { join } from "node:path";
import type { Argv } from "yargs";
import { BACKEND_REQUESTS, type BackendRequest } from "../backend/index.js";
import { ConfigError, loadConfig } from "../config/index.js";
import { checkFolderName } from "../config/folder-name.js";
import { progressFor } from "../train/progress.js";
import { runTraining } from "../train/run.js";
import { stopOnSignals } from "./interrupt.js";

interface TrainArgs {
  config?: string;
  resume?: string;
  logdir: string;
  name?: string;
  backend: BackendRequest;
  set: string[];
}

export const trainCommand = {
  command: "train [config]",
  describe: "Train one run from a YAML config (or continue one with --resume) and log it to TensorBoard",
  builder: (y: Argv) =>
    y
      .positional("config", { type: "string", describe: "YAML config, e.g. configs/vae-bce.yaml" })
      .option("resume", { type: "string", describe: "Continue the run in this folder from its checkpoint (e.g. runs/vae-bce), bit for bit" })
      .option("logdir", { type: "string", default: "runs", describe: "Folder that holds one sub-folder per run" })
      .option("name", { type: "string", describe: "Run name, a folder inside --logdir; / nests (default: the config's file name; -2, -3, ... if taken)" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest, describe: "tfjs backend; auto picks the fastest available" })
      .option("set", { type: "string", array: true, default: [] as string[], describe: "Override a config key: --set train.epochs=2 (repeatable)" })
      .example("$0 train configs/vae-bce.yaml", "train a VAE with BCE on the embedded MNIST")
      .example("$0 train --resume runs/vae-bce --set train.epochs=20", "continue that run up to epoch 20"),
  handler: async (argv: TrainArgs) => {
    if (Boolean(argv.config) === Boolean(argv.resume)) {
      throw new ConfigError("train needs a config file, or --resume <run folder> (not both)");
    }
    if (argv.name !== undefined) checkFolderName("--name", "a run name", argv.name);
    // A resumed run keeps its own resolved config; --set may extend it (more epochs, say).
    const configFile = argv.resume ? join(argv.resume, "config.yaml") : argv.config!;
    const config = loadConfig(configFile, argv.set);
    const progress = progressFor();
    const stop = stopOnSignals((signal) => progress.message(`${signal}: stopping after this step and saving a checkpoint (again to exit now)`));
    try {
      const outcome = await runTraining({
        config,
        configFile,
        resumeDir: argv.resume,
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
      if (outcome.result.stopped) progress.message(`continue with: aelab train --resume ${outcome.dir}`);
      progress.message(`view with: tensorboard --logdir ${argv.resume ? join(argv.resume, "..") : argv.logdir}`);
      if (outcome.result.stopped) process.exitCode = 130;
    } finally {
      stop.dispose();
    }
  },
};
