import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { decodeEvent, type Event } from "../tensorboard/proto.js";
import { CorruptRecordError, readRecords } from "../tensorboard/record.js";
import { runFolders, scalarPoints, type ScalarPoint } from "../tensorboard/scalars.js";
import { LogdirError } from "../tensorboard/summarize.js";
import { asFileSystemError } from "../util/file-system-error.js";
import { BANDS_FILE, cellGroup } from "./bands.js";
import { seedAxisOf } from "./claims.js";
import { EXPERIMENT_JSON, readExperimentRecord, type ExperimentRecord } from "./record.js";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns every row has; the experiment's axes go between group and seed. */
const BEFORE_AXES = ["run", "group"] as const;
const AFTER_AXES = ["seed", "tag", "step", "wall_time", "value"] as const;

export interface ExportOptions {
  format: ExportFormat;
  /** Takes the output in pieces, in order; awaited, so a slow reader slows the export instead of filling memory. */
  write: (text: string) => void | Promise<void>;
  /** A file read only in part (cut short by a writer still running, or killed mid-write): one line. */
  warn?: (line: string) => void;
}

export interface ExportOutcome {
  rows: number;
  runs: number;
  columns: string[];
}

/**
 * Axis names as columns: an axis named like a fixed column (`tag`, `step`, ...) gets an `axis_` prefix,
 * as many times as it takes to be unique.
 */
export function axisColumns(axes: readonly string[]): string[] {
  const taken = new Set<string>([...BEFORE_AXES, ...AFTER_AXES]);
  return axes.map((axis) => {
    let column = axis;
    while (taken.has(column)) column = `axis_${column}`;
    taken.add(column);
    return column;
  });
}

/** One field of a CSV record (RFC 4180): quoted when it holds a comma, a quote, CR or LF, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A float as text that reads back to the same number: the shortest decimal of the double (an aelab scalar
 * is a float32, so its exact value, as TensorBoard's own CSV gives it); NaN and the infinities as `NaN`,
 * `inf` and `-inf`, which pandas and Python's float() read.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  return String(value);
}

/** The run's seed from its config.yaml, if it has one that says. */
function seedOf(dir: string): string | undefined {
  try {
    const config = parseYaml(readFileSync(join(dir, "config.yaml"), "utf8")) as { seed?: unknown } | null;
    const seed = config?.seed;
    return typeof seed === "number" || typeof seed === "string" ? String(seed) : undefined;
  } catch {
    return undefined;
  }
}

function experimentRecordOf(folder: string): ExperimentRecord | undefined {
  const path = join(folder, EXPERIMENT_JSON);
  if (!existsSync(path)) return undefined;
  try {
    return readExperimentRecord(folder);
  } catch (error) {
    if (error instanceof SyntaxError) throw new LogdirError(`${path} is not valid JSON (${error.message})`);
    throw asFileSystemError(error, path, "read");
  }
}

/** Every event of one file; a corrupt record (or one that is no Event) is a LogdirError naming the file, a cut-off tail a warning. */
function readEventsStrictly(path: string, warn: (line: string) => void): Event[] {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw asFileSystemError(error, path, "read");
  }
  let read: ReturnType<typeof readRecords>;
  try {
    read = readRecords(buffer);
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    throw new LogdirError(
      `${path} is corrupt: ${error.message} (the ${error.recordIndex} records before it are intact; TensorBoard stops reading the file there too)`,
    );
  }
  const events = read.records.map((record, index) => {
    try {
      return decodeEvent(record);
    } catch (error) {
      throw new LogdirError(`${path} is corrupt: record ${index} has valid CRCs but is not a tensorboard Event (${(error as Error).message})`);
    }
  });
  if (read.truncated) {
    warn(`${path} ends inside a record (a writer still running, or one killed mid-write); its ${events.length} complete records are exported`);
  }
  return events;
}

/**
 * Writes one tidy table of every scalar event under `folder` (a run folder, an experiment folder, or any
 * folder of runs): a row per event with its run (folder relative to `folder`), group, the experiment's
 * axis levels, seed, tag, step, wall time and value. In an experiment folder, a cell's group is its
 * folder without the seed segment (as its seed bands are named) and its axis columns are its levels from
 * experiment.json (a seed axis named `seed` is the seed column); any other run (a lone run, a cell moved aside as `.failed-<n>`) is its own group, its
 * axis columns empty. The seed bands (`_bands/`, derived from the runs) are left out. Rows stream out
 * file by file, in TensorBoard's order.
 */
export async function exportScalars(folder: string, options: ExportOptions): Promise<ExportOutcome> {
  const warn = options.warn ?? (() => {});
  const runs = runFolders(folder, (name) => name === BANDS_FILE);
  if (runs.length === 0) throw new LogdirError(`no events files (names containing "tfevents") under ${folder}`);
  const record = experimentRecordOf(folder);
  const seedAxis = record ? seedAxisOf(record.axes) : undefined;
  // The seed axis `seed: [1, 2, 3]` is the seed column itself; any other axis gets a column of its own.
  const axes = (record?.axes ?? []).filter((axis) => !(axis === seedAxis && axis.name === "seed")).map((axis) => axis.name);
  const columns = [...BEFORE_AXES, ...axisColumns(axes), ...AFTER_AXES];
  const cells = new Map((record?.cells ?? []).map((cell) => [cell.dir, cell]));

  const csv = options.format === "csv";
  const line = (fields: Array<string | number | undefined>): string => {
    if (csv) return `${fields.map((f) => (f === undefined ? "" : csvField(String(f)))).join(",")}\r\n`;
    return `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? null])))}\n`;
  };
  if (csv) await options.write(line(columns));

  // Rows go out in pieces of about this many characters: one write per row would be slow, one per run could be large.
  const PIECE = 1 << 16;
  let rows = 0;
  for (const run of runs) {
    const cell = cells.get(run.run);
    const group = cell && record ? cellGroup(record, cell.name) : run.run === "." ? basename(resolve(folder)) : run.run;
    const levels = axes.map((axis) => cell?.levels[axis]);
    const seed = seedOf(run.dir) ?? (cell && seedAxis ? cell.levels[seedAxis.name] : undefined);
    const plugins = new Map<string, string>();
    for (const name of run.files) {
      let piece = "";
      const events = readEventsStrictly(join(run.dir, name), warn);
      for (const point of scalarPoints(events, plugins)) {
        piece += line(fieldsOf(run.run, group, levels, seed, point, csv));
        rows++;
        if (piece.length >= PIECE) {
          await options.write(piece);
          piece = "";
        }
      }
      if (piece) await options.write(piece);
    }
  }
  return { rows, runs: runs.length, columns };
}

function fieldsOf(
  run: string,
  group: string,
  levels: ReadonlyArray<string | undefined>,
  seed: string | undefined,
  point: ScalarPoint,
  csv: boolean,
): Array<string | number | undefined> {
  // JSON keeps finite numbers as numbers; the tokens for NaN and the infinities are strings there.
  const value = csv || !Number.isFinite(point.value) ? formatNumber(point.value) : point.value;
  const seedField = seed !== undefined && !csv && /^-?\d+$/.test(seed) ? Number(seed) : seed;
  return [run, group, ...levels, seedField, point.tag, point.step, csv ? formatNumber(point.wallTime) : point.wallTime, value];
}
