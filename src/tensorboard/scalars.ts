import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { asFileSystemError } from "../util/file-system-error.js";
import { DataType, type Event, type SummaryValue } from "./proto.js";
import { LogdirError, readEventsFile } from "./summarize.js";

/** One point of a scalar curve, as the events file holds it (the value is a float32, widened exactly). */
export interface ScalarPoint {
  tag: string;
  step: number;
  /** Seconds since the epoch. */
  wallTime: number;
  value: number;
}

/** TensorBoard's own test for an events file. */
export const isEventsFileName = (name: string): boolean => name.includes("tfevents");

/**
 * The scalar a summary value holds: a simple_value (what aelab, tensorboardX and tf.summary v1 write),
 * or a float tensor of one element under the scalars plugin (tf.summary v2). `plugins` remembers each
 * tag's plugin, which only the first value of a tag carries.
 */
function scalarOf(value: SummaryValue, plugins: Map<string, string>): number | undefined {
  const plugin = value.metadata?.pluginData?.pluginName;
  if (plugin && !plugins.has(value.tag)) plugins.set(value.tag, plugin);
  if (value.simpleValue !== undefined) return value.simpleValue;
  const t = value.tensor;
  if (!t || plugins.get(value.tag) !== "scalars") return undefined;
  if (t.floatVal?.length) return t.floatVal[0];
  if (t.doubleVal?.length) return t.doubleVal[0];
  const bytes = t.tensorContent;
  if (!bytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (t.dtype === DataType.DT_FLOAT && bytes.length === 4) return view.getFloat32(0, true);
  if (t.dtype === DataType.DT_DOUBLE && bytes.length === 8) return view.getFloat64(0, true);
  return undefined;
}

/** The scalar points of a run's events, in file order. */
export function* scalarPoints(events: Iterable<Event>, plugins = new Map<string, string>()): Generator<ScalarPoint> {
  for (const event of events) {
    for (const value of event.summary?.value ?? []) {
      const scalar = scalarOf(value, plugins);
      if (scalar !== undefined) yield { tag: value.tag, step: event.step ?? 0, wallTime: event.wallTime, value: scalar };
    }
  }
}

/** The names of the events files directly in `dir`, in the order TensorBoard reads them. */
export function eventsFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isEventsFileName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw asFileSystemError(error, dir, "read");
  }
}

/** A scalar curve: step to its point; a step logged twice keeps the later point, as TensorBoard does. */
export type Curve = Map<number, { value: number; wallTime: number }>;

export interface RunScalars {
  /** Tag to curve, tags in order of first appearance. */
  curves: Map<string, Curve>;
  /** Files whose reading stopped early (a corrupt record, or one cut short), one line each; what came before is in `curves`. */
  problems: string[];
}

/**
 * Every scalar curve of one run folder (its own events files, not subfolders), read as TensorBoard reads
 * them: files in name order, a corrupt record ending its file. `keep` picks the tags.
 */
export function readRunScalars(dir: string, keep: (tag: string) => boolean = () => true): RunScalars {
  const curves = new Map<string, Curve>();
  const problems: string[] = [];
  const plugins = new Map<string, string>();
  for (const name of eventsFilesIn(dir)) {
    const path = join(dir, name);
    let buffer: Buffer;
    try {
      buffer = readFileSync(path);
    } catch (error) {
      throw asFileSystemError(error, path, "read");
    }
    const read = readEventsFile(buffer);
    for (const point of scalarPoints(read.events, plugins)) {
      if (!keep(point.tag)) continue;
      let curve = curves.get(point.tag);
      if (!curve) curves.set(point.tag, (curve = new Map()));
      curve.set(point.step, { value: point.value, wallTime: point.wallTime });
    }
    if (read.problem) problems.push(`${path}: ${read.problem.message}; the ${read.problem.recordIndex} records before it are used`);
    else if (read.truncated)
      problems.push(`${path} ends inside a record (a writer still running, or one killed mid-write); its ${read.events.length} complete records are used`);
  }
  return { curves, problems };
}

/** A folder holding events files: a run, as TensorBoard names it. */
export interface RunFolder {
  /** Its path relative to the root, "/"-separated; "." for the root itself. */
  run: string;
  dir: string;
  /** Its events files' names, in reading order. */
  files: string[];
}

/**
 * Every folder under `root` (the root included) that holds events files, in TensorBoard's order (the root
 * first, then by path); `skipFile` leaves files out. Symlinked folders are not followed. A missing or
 * unreadable root, or an unreadable folder under it, is a LogdirError naming it.
 */
export function runFolders(root: string, skipFile: (name: string) => boolean = () => false): RunFolder[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LogdirError(`cannot read ${root}: ${code === "ENOENT" ? "no such folder" : (error as Error).message}`);
  }
  if (!stat.isDirectory()) throw new LogdirError(`${root} is a file, not a folder`);
  const runs: RunFolder[] = [];
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new LogdirError(`cannot read ${dir}: ${(error as Error).message}`);
    }
    const files = entries
      .filter((e) => e.isFile() && isEventsFileName(e.name) && !skipFile(e.name))
      .map((e) => e.name)
      .sort();
    if (files.length > 0) runs.push({ run: relative(root, dir).split(sep).join("/") || ".", dir, files });
    for (const sub of entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort())
      visit(join(dir, sub));
  };
  visit(root);
  return runs.sort((a, b) => (a.run === "." ? -1 : b.run === "." ? 1 : a.run < b.run ? -1 : a.run > b.run ? 1 : 0));
}
