import { spawnSync } from "node:child_process";
import { ExperimentError } from "../experiment/errors.js";
import type { SlurmScripts } from "./write.js";

/** `sbatch --parsable` prints `<job id>` or `<job id>;<cluster>`. */
function sbatch(args: readonly string[], sbatchCommand: string): string {
  const run = spawnSync(sbatchCommand, ["--parsable", ...args], { encoding: "utf8" });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ExperimentError(
      missing
        ? `${sbatchCommand} not found: submit from a Slurm login node (the scripts are written; see submit.sh)`
        : `${sbatchCommand}: ${run.error.message}`,
    );
  }
  const id = run.stdout.trim().split(";")[0];
  if (run.status !== 0 || !/^\d+$/.test(id)) {
    throw new ExperimentError(`${sbatchCommand} ${args.join(" ")} failed: ${(run.stderr || run.stdout).trim().split("\n")[0] || `exit code ${run.status}`}`);
  }
  return id;
}

/** Submits the array job, then the report job with --dependency=afterany on it; returns both job ids. */
export function submitSlurmScripts(scripts: SlurmScripts, sbatchCommand = "sbatch"): { array: string; report: string } {
  const array = sbatch([scripts.array], sbatchCommand);
  const report = sbatch([`--dependency=afterany:${array}`, scripts.report], sbatchCommand);
  return { array, report };
}
