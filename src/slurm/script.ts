import { ExperimentError } from "../experiment/errors.js";

/** What `aelab slurm` is asked for: the experiment, how to split it, and what each array task gets. */
export interface SlurmOptions {
  /** Experiment name, for job names. */
  name: string;
  /** Absolute paths: the cluster's nodes see the same files (a shared file system). */
  file: string;
  logdir: string;
  experimentDir: string;
  /** Folder the jobs run in (relative paths in the experiment file resolve as they did here). */
  workdir: string;
  /** `node /path/to/bin/aelab.js`. */
  aelab: readonly string[];
  /** The experiment's cell count, and how many shards (array tasks) to split them into. */
  cells: number;
  shards: number;
  /** `--set` assignments every cell gets (after --data), passed through to every task. */
  set: readonly string[];
  partition?: string;
  time?: string;
  cpusPerTask: number;
  gpusPerTask?: number;
  /** At most this many array tasks at once (`%K`). */
  maxParallel?: number;
}

/** Single-quoted for the shell, unless plainly safe. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// A partition or time limit goes into an #SBATCH line: nothing that could end the line or the option.
const SBATCH_VALUE = /^[A-Za-z0-9_.:,+-]+$/;

/**
 * A value for an #SBATCH line, double-quoted unless plainly safe. sbatch splits these lines itself, not
 * through a shell (src/sbatch/opt.c, _get_argument): quotes group, a backslash escapes the next
 * character, an unquoted # starts a comment, and $ and backquotes are taken as they are. Checked with
 * slurm 22.05's sbatch on scripts/slurm-smoke.sh's cluster.
 */
export function sbatchQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** A folder in an --output file-name pattern: its own % doubled, so that `50%a` is not read as the array index. */
const patternLiteral = (folder: string): string => folder.replace(/%/g, "%%");

export function checkSlurmOptions(options: SlurmOptions): void {
  const whole = (flag: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min))
      throw new ExperimentError(`--${flag} must be a whole number >= ${min} (got ${value})`);
  };
  whole("cpus-per-task", options.cpusPerTask, 1);
  whole("gpus-per-task", options.gpusPerTask, 0);
  whole("max-parallel", options.maxParallel, 1);
  whole("shards", options.shards, 1);
  if (options.shards > options.cells)
    throw new ExperimentError(`--shards ${options.shards} is more than the experiment's ${options.cells} cells (some array tasks would have nothing to run)`);
  for (const [flag, value] of [
    ["partition", options.partition],
    ["time", options.time],
  ] as const) {
    if (value !== undefined && !SBATCH_VALUE.test(value)) throw new ExperimentError(`--${flag} ${JSON.stringify(value)}: letters, digits and . _ : , + - only`);
  }
  // The experiment folder goes into #SBATCH --output; these two it cannot carry.
  const folder = JSON.stringify(options.experimentDir);
  if (options.experimentDir.includes("\n"))
    throw new ExperimentError(`the experiment folder ${folder} holds a line break, which an #SBATCH line cannot: choose a --logdir without one`);
  if (options.experimentDir.includes("\\")) {
    // Measured with slurm 22.05: --output=".../back\\slash-%j.out" writes backslash-%j.out, as man sbatch says.
    throw new ExperimentError(
      `the experiment folder ${folder} holds a backslash, which in #SBATCH --output turns off Slurm's %A/%a file names: choose a --logdir without one`,
    );
  }
}

/** The #SBATCH lines both jobs share: partition, time limit, cores (and GPUs) per task. */
function resourceLines(options: SlurmOptions): string[] {
  const lines: string[] = [];
  if (options.partition) lines.push(`#SBATCH --partition=${options.partition}`);
  if (options.time) lines.push(`#SBATCH --time=${options.time}`);
  lines.push(`#SBATCH --cpus-per-task=${options.cpusPerTask}`);
  if (options.gpusPerTask) lines.push(`#SBATCH --gpus-per-task=${options.gpusPerTask}`);
  return lines;
}

/**
 * The BLAS threads: the cores Slurm gave the task. Without cgroups (task/none) nothing else stops a task
 * from starting a thread per core of the node, which would oversubscribe the node's other tasks.
 */
function threadsLine(options: SlurmOptions): string {
  return `export AELAB_THREADS="\${SLURM_CPUS_PER_TASK:-${options.cpusPerTask}}"`;
}

/** `array.sbatch`: one array task per shard, task t running `--shard t+1/n`. */
export function arrayScript(options: SlurmOptions): string {
  const n = options.shards;
  const throttle = options.maxParallel ? `%${options.maxParallel}` : "";
  const args = [
    ...options.aelab,
    "experiment",
    options.file,
    "--logdir",
    options.logdir,
    ...options.set.flatMap((a) => ["--set", a]),
    "--workers",
    "1",
    "--no-report",
  ].map(shellQuote);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${sbatchQuote(`aelab-${options.name}`)}`,
    `#SBATCH --array=0-${n - 1}${throttle}`,
    ...resourceLines(options),
    `#SBATCH --output=${sbatchQuote(`${patternLiteral(options.experimentDir)}/slurm/%A_%a.out`)}`,
    "#",
    `# Written by aelab slurm: experiment ${options.name}, ${options.cells} cells in ${n} shards. Array task t runs`,
    "# `aelab experiment --shard t+1/n`: the cells whose grid index k has k mod n = t (aelab experiment --list",
    "# prints the indexes). Each cell runs under its own lock in the shared experiment folder; a finished cell",
    "# is skipped, so submitting again runs only what is missing. report.sbatch builds the report after it.",
    "set -euo pipefail",
    `cd ${shellQuote(options.workdir)}`,
    threadsLine(options),
    `exec ${args.join(" ")} --shard "$((SLURM_ARRAY_TASK_ID + 1))/\${SLURM_ARRAY_TASK_COUNT:-${n}}"`,
    "",
  ].join("\n");
}

/** `report.sbatch`: `aelab report`, submitted to start once every array task has ended (afterany). */
export function reportScript(options: SlurmOptions): string {
  const args = [...options.aelab, "report", options.experimentDir].map(shellQuote);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${sbatchQuote(`aelab-${options.name}-report`)}`,
    ...resourceLines({ ...options, gpusPerTask: undefined }),
    `#SBATCH --output=${sbatchQuote(`${patternLiteral(options.experimentDir)}/slurm/report-%j.out`)}`,
    "#",
    "# Submitted with --dependency=afterany:<array job>, so it runs once every task has ended, finished or not:",
    "# the report covers the cells that completed and lists the ones that did not.",
    "set -euo pipefail",
    `cd ${shellQuote(options.workdir)}`,
    threadsLine(options),
    `exec ${args.join(" ")}`,
    "",
  ].join("\n");
}

/** `submit.sh`: the two sbatch calls `aelab slurm --submit` makes, for submitting by hand. */
export function submitScript(arrayPath: string, reportPath: string): string {
  return [
    "#!/bin/sh",
    "# Submits the array job, then the report job to run after it (what aelab slurm --submit does).",
    "set -e",
    `array=$(sbatch --parsable ${shellQuote(arrayPath)} | cut -d';' -f1)`,
    `report=$(sbatch --parsable --dependency=afterany:$array ${shellQuote(reportPath)} | cut -d';' -f1)`,
    'echo "array job $array, report job $report"',
    "",
  ].join("\n");
}
