import { isAbsolute, win32 } from "node:path";
import { ConfigError } from "./errors.js";

// A run, experiment, axis, level or cell name is a path inside the logdir (`runs/<experiment>/<cell>`),
// and experiment files may come from someone else: a name must never lead out of the logdir.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The name as JSON, with DEL, the C1 controls and the line separators escaped as well (JSON leaves them
 * raw), so an error line shows every invisible character and stays one line.
 */
export function quoteName(name: string): string {
  return JSON.stringify(name).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Why `segment` cannot be one folder's name inside the logdir, or undefined when it can. */
function segmentProblem(segment: string): string | undefined {
  const control = CONTROL.exec(segment);
  if (control) return `it holds control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  // A separator on Windows, and a file name no one means on POSIX.
  if (segment.includes("\\")) return 'it holds a backslash; nest folders with "/"';
  if (segment === "..") return '".." leads out of it';
  if (segment === ".") return '"." is not a folder of its own';
  if (segment === "") return "it has an empty part";
  return undefined;
}

/** Why `name`, one folder or folders nested with "/" (`ae-mse/none/seed-1`), cannot be a path inside the logdir. */
export function nameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  // win32 too: `C:\x` and `\\server\x` are absolute where the experiment file may be run.
  if (isAbsolute(name) || win32.isAbsolute(name)) return "an absolute path leads out of it";
  for (const segment of name.split("/")) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The one-line error for a name that would not stay inside the logdir, or undefined when it would:
 * `--name "../x": a run name must stay inside the logdir (".." leads out of it)`. `label` says where the
 * name came from (a flag, a key of a file), `what` what it names ("a run name").
 */
export function folderNameError(label: string, what: string, name: string): string | undefined {
  const problem = nameProblem(name);
  return problem ? `${label} ${quoteName(name)}: ${what} must stay inside the logdir (${problem})` : undefined;
}

/** Throws folderNameError's line as a ConfigError; called before anything is written. */
export function checkFolderName(label: string, what: string, name: string): void {
  const error = folderNameError(label, what, name);
  if (error) throw new ConfigError(error);
}
