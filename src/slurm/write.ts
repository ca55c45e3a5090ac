import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import { arrayScript, checkSlurmOptions, reportScript, submitScript, type SlurmOptions } from "./script.js";

export interface SlurmScripts {
  dir: string;
  array: string;
  report: string;
  submit: string;
}

/** Writes array.sbatch, report.sbatch and submit.sh into `<experiment>/slurm/` (where the tasks' output goes too). */
export function writeSlurmScripts(options: SlurmOptions): SlurmScripts {
  checkSlurmOptions(options);
  const dir = join(options.experimentDir, "slurm");
  mkdirSync(dir, { recursive: true });
  const scripts = { dir, array: join(dir, "array.sbatch"), report: join(dir, "report.sbatch"), submit: join(dir, "submit.sh") };
  writeFileAtomic(scripts.array, arrayScript(options));
  writeFileAtomic(scripts.report, reportScript(options));
  writeFileAtomic(scripts.submit, submitScript(scripts.array, scripts.report));
  for (const path of [scripts.array, scripts.report, scripts.submit]) chmodSync(path, 0o755);
  return scripts;
}
