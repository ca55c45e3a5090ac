import { resolve } from "node:path";
import type { Argv } from "yargs";
import { AELAB_COMMAND, loadExperiment } from "../experiment/index.js";
import { shellQuote, submitSlurmScripts, writeSlurmScripts } from "../slurm/index.js";

interface SlurmArgs {
  file: string;
  logdir: string;
  shards?: number;
  partition?: string;
  time?: string;
  cpusPerTask: number;
  gpusPerTask?: number;
  maxParallel?: number;
  submit: boolean;
  data?: string;
  set: string[];
}

export const slurmCommand = {
  command: "slurm <file>",
  describe: "Write a Slurm array job (one task per shard of the experiment's cells) and a report job to run after it; --submit submits both",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: "Experiment YAML, as aelab experiment takes it" })
      .option("logdir", {
        type: "string",
        default: "runs",
        describe: "The shared folder the cells run in: <logdir>/<experiment name>/<cell>; the scripts go to its slurm/",
      })
      .option("shards", { type: "number", describe: "Array tasks, each running a shard of the cells (default: one per cell)" })
      .option("partition", { type: "string", describe: "#SBATCH --partition" })
      .option("time", { type: "string", describe: "#SBATCH --time, per array task (e.g. 2:00:00)" })
      .option("cpus-per-task", { type: "number", default: 1, describe: "#SBATCH --cpus-per-task (the cell's BLAS threads use them)" })
      .option("gpus-per-task", { type: "number", describe: "#SBATCH --gpus-per-task" })
      .option("max-parallel", { type: "number", describe: "At most this many array tasks at once (--array=0-N%K)" })
      .option("submit", { type: "boolean", default: false, describe: "Submit the array job and the report job (sbatch) and print their ids" })
      .option("data", { type: "string", describe: "Train every cell on this data instead (as aelab experiment --data)" })
      .option("set", { type: "string", array: true, default: [] as string[], describe: "Override a config key in every cell (as aelab experiment --set)" })
      .example(
        "$0 slurm experiments/adversarial-claim.yaml --logdir /shared/runs --partition cpu --time 1:00:00 --max-parallel 8 --submit",
        "run the grid on a cluster",
      ),
  handler: (argv: SlurmArgs) => {
    const set = [...(argv.data ? [`data.source=${argv.data}`] : []), ...argv.set];
    const logdir = resolve(argv.logdir);
    // Loaded here so a bad file or cell fails now, not in every array task.
    const experiment = loadExperiment(resolve(argv.file), { logdir, set });
    const scripts = writeSlurmScripts({
      name: experiment.spec.name,
      file: resolve(argv.file),
      logdir,
      experimentDir: experiment.dir,
      workdir: process.cwd(),
      aelab: AELAB_COMMAND,
      cells: experiment.cells.length,
      shards: argv.shards ?? experiment.cells.length,
      set,
      cpusPerTask: argv.cpusPerTask,
      ...(argv.partition !== undefined ? { partition: argv.partition } : {}),
      ...(argv.time !== undefined ? { time: argv.time } : {}),
      ...(argv.gpusPerTask !== undefined ? { gpusPerTask: argv.gpusPerTask } : {}),
      ...(argv.maxParallel !== undefined ? { maxParallel: argv.maxParallel } : {}),
    });
    const shards = argv.shards ?? experiment.cells.length;
    process.stdout.write(`wrote ${scripts.array} (${shards} array tasks for ${experiment.cells.length} cells), ${scripts.report} and ${scripts.submit}\n`);
    if (!argv.submit) {
      process.stdout.write(`submit with: sh ${shellQuote(scripts.submit)} (or aelab slurm ... --submit)\n`);
      return;
    }
    const jobs = submitSlurmScripts(scripts);
    process.stdout.write(`submitted array job ${jobs.array} and report job ${jobs.report} (after it); watch with: squeue -j ${jobs.array},${jobs.report}\n`);
    const overrides = [...(argv.data ? ["--data", argv.data] : []), ...argv.set.flatMap((a) => ["--set", a])].map(shellQuote).join(" ");
    process.stdout.write(
      `progress at any time: aelab experiment ${shellQuote(argv.file)} --logdir ${shellQuote(argv.logdir)}${overrides ? ` ${overrides}` : ""} --list; partial report: aelab report ${shellQuote(experiment.dir)}\n`,
    );
  },
};
