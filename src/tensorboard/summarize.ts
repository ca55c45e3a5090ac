import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { decodeEvent, decodeHparamsPluginData, SessionStatusCode, type Event, type ProtoValue, type SummaryValue } from "./proto.js";
import { CorruptRecordError, FOOTER_BYTES, HEADER_BYTES, readRecords } from "./record.js";

export type SummaryKind = "scalar" | "image" | "histogram" | "text" | "hparams" | "tensor";

export interface TagSummary {
  tag: string;
  kind: SummaryKind;
  /** The plugin the tag's metadata names, when it names one ("tensor" kinds show it). */
  plugin?: string;
  points: number;
  firstStep: number;
  lastStep: number;
  /** Scalars: the value at the last point. */
  lastValue?: number;
  /** Text: the last text's first line; hparams: the values, status or experiment size. */
  detail?: string;
}

export interface FileProblem {
  /** Path relative to the logdir. */
  file: string;
  kind: "corrupt" | "truncated" | "unreadable";
  message: string;
  /** Index of the bad (or cut-off) record; this many records before it were read. */
  recordIndex?: number;
  /** Byte offset of that record. */
  offset?: number;
}

export interface RunSummary {
  /** Folder relative to the logdir, "/"-separated; "." for the logdir itself, as TensorBoard names it. */
  run: string;
  /** Event files of the run, relative to the logdir, in the order TensorBoard reads them. */
  files: string[];
  /** In order of first appearance. */
  tags: TagSummary[];
  problems: FileProblem[];
}

/** The logdir itself cannot be read: a user error, reported in one line. */
export class LogdirError extends Error {
  override readonly name = "LogdirError";
}

export interface EventsFile {
  events: Event[];
  /** The file ends inside a record (a live writer mid-flush, or one killed mid-write). */
  truncated: boolean;
  /** The first record that could not be read, if any; everything before it is in `events`. */
  problem?: { message: string; recordIndex: number; offset: number };
}

/**
 * Decodes the complete, intact records of an events file and says where reading stopped,
 * instead of throwing: a bad CRC, or a record that is not an Event, ends the list there (as it
 * ends TensorBoard's reading of the file).
 */
export function readEventsFile(buffer: Uint8Array): EventsFile {
  let read: ReturnType<typeof readRecords> | undefined;
  let problem: EventsFile["problem"];
  try {
    read = readRecords(buffer);
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    read = readRecords(buffer.subarray(0, error.offset));
    problem = { message: error.message, recordIndex: error.recordIndex, offset: error.offset };
  }
  const events: Event[] = [];
  let offset = 0;
  for (const [index, record] of read.records.entries()) {
    try {
      events.push(decodeEvent(record));
    } catch (error) {
      problem = {
        message: `record ${index} at byte ${offset}: valid CRCs but not a tensorboard Event (${(error as Error).message})`,
        recordIndex: index,
        offset,
      };
      break;
    }
    offset += HEADER_BYTES + record.length + FOOTER_BYTES;
  }
  return { events, truncated: read.truncated && !problem, ...(problem ? { problem } : {}) };
}

const isEventsFile = (name: string) => name.includes("tfevents"); // TensorBoard's own test

function formatProtoValue(value: ProtoValue | undefined): string {
  if (!value) return "?";
  if ("numberValue" in value && value.numberValue !== undefined) return String(value.numberValue);
  if ("boolValue" in value && value.boolValue !== undefined) return String(value.boolValue);
  if ("stringValue" in value && value.stringValue !== undefined) return JSON.stringify(value.stringValue);
  return "?";
}

const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SessionStatusCode).map(([name, code]) => [code, name.toLowerCase()]));

function hparamsDetail(value: SummaryValue): string | undefined {
  const content = value.metadata?.pluginData?.content;
  if (!content) return undefined;
  try {
    const data = decodeHparamsPluginData(content);
    if (data.sessionStartInfo) {
      const entries = Object.entries(data.sessionStartInfo.hparams ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return entries.map(([name, v]) => `${name}=${formatProtoValue(v)}`).join(", ");
    }
    if (data.sessionEndInfo) return `status ${STATUS_NAMES[data.sessionEndInfo.status ?? 0] ?? data.sessionEndInfo.status}`;
    if (data.experiment) {
      const h = data.experiment.hparamInfos?.length ?? 0;
      const m = data.experiment.metricInfos?.length ?? 0;
      return `${h} hparam${h === 1 ? "" : "s"}, ${m} metric${m === 1 ? "" : "s"}: ${(data.experiment.metricInfos ?? []).map((mi) => mi.name.tag).join(", ")}`;
    }
  } catch {
    return "(undecodable hparams data)";
  }
  return undefined;
}

function tensorScalar(value: SummaryValue): number | undefined {
  const t = value.tensor;
  if (!t) return undefined;
  if (t.floatVal?.length) return t.floatVal[0];
  if (t.doubleVal?.length) return t.doubleVal[0];
  const bytes = t.tensorContent;
  if (bytes && bytes.length >= 4) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return bytes.length >= 8 && t.dtype === 2 ? view.getFloat64(0, true) : view.getFloat32(0, true);
  }
  return undefined;
}

function textOf(value: SummaryValue): string | undefined {
  const first = value.tensor?.stringVal?.[0];
  if (!first) return undefined;
  const line = Buffer.from(first).toString("utf8").split("\n")[0]!;
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}

const PLUGIN_KINDS: Record<string, SummaryKind> = {
  scalars: "scalar",
  images: "image",
  histograms: "histogram",
  text: "text",
  hparams: "hparams",
};

/** Adds one value to its tag's summary; `plugins` remembers each tag's plugin (metadata comes once). */
function accumulate(tags: Map<string, TagSummary>, plugins: Map<string, string>, value: SummaryValue, step: number): void {
  const pluginName = value.metadata?.pluginData?.pluginName;
  if (pluginName && !plugins.has(value.tag)) plugins.set(value.tag, pluginName);
  const plugin = plugins.get(value.tag);
  let kind: SummaryKind;
  // TensorBoard's data_compat: the value's own field decides first, then the plugin name.
  if (value.simpleValue !== undefined) kind = "scalar";
  else if (value.image) kind = "image";
  else if (value.histo) kind = "histogram";
  else kind = (plugin !== undefined ? PLUGIN_KINDS[plugin] : undefined) ?? "tensor";

  let summary = tags.get(value.tag);
  if (!summary) {
    summary = { tag: value.tag, kind, points: 0, firstStep: step, lastStep: step };
    if (kind === "tensor" && plugin) summary.plugin = plugin;
    tags.set(value.tag, summary);
  }
  summary.points++;
  summary.lastStep = step;
  if (kind === "scalar") {
    const v = value.simpleValue ?? tensorScalar(value);
    if (v !== undefined) summary.lastValue = v;
  } else if (kind === "text") {
    summary.detail = textOf(value) ?? summary.detail;
  } else if (kind === "hparams") {
    summary.detail = hparamsDetail(value) ?? summary.detail;
  }
}

function summarizeRun(logdir: string, dir: string, files: string[]): RunSummary {
  const run = relative(logdir, dir).split(sep).join("/") || ".";
  const tags = new Map<string, TagSummary>();
  const plugins = new Map<string, string>();
  const problems: FileProblem[] = [];
  const relFiles = files.map((name) => relative(logdir, join(dir, name)).split(sep).join("/"));
  for (const [i, name] of files.entries()) {
    const file = relFiles[i]!;
    let read: EventsFile;
    try {
      read = readEventsFile(readFileSync(join(dir, name)));
    } catch (error) {
      problems.push({ file, kind: "unreadable", message: (error as Error).message });
      continue;
    }
    for (const event of read.events) {
      for (const value of event.summary?.value ?? []) accumulate(tags, plugins, value, event.step ?? 0);
    }
    if (read.problem) {
      problems.push({ file, kind: "corrupt", ...read.problem });
    } else if (read.truncated) {
      problems.push({
        file,
        kind: "truncated",
        recordIndex: read.events.length,
        message: `ends inside record ${read.events.length} (a writer still running, or one killed mid-write)`,
      });
    }
  }
  return { run, files: relFiles, tags: [...tags.values()], problems };
}

/**
 * Every run under `logdir`: each folder (the logdir included) holding files whose names contain
 * "tfevents", as TensorBoard finds them. Files are read in name order, as TensorBoard reads a
 * run's files. A corrupt or truncated file is reported in the run's `problems`, with the
 * records before the bad one counted; only an unreadable logdir throws (LogdirError).
 */
export function summarizeLogdir(logdir: string): RunSummary[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(logdir);
  } catch (error) {
    throw new LogdirError(`cannot read logdir ${logdir}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : (error as Error).message}`);
  }
  if (!stat.isDirectory()) throw new LogdirError(`logdir ${logdir} is a file, not a folder`);

  const runs: RunSummary[] = [];
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === logdir) throw new LogdirError(`cannot read logdir ${logdir}: ${(error as Error).message}`);
      const run = relative(logdir, dir).split(sep).join("/");
      runs.push({ run, files: [], tags: [], problems: [{ file: run, kind: "unreadable", message: (error as Error).message }] });
      return;
    }
    const files = entries
      .filter((e) => e.isFile() && isEventsFile(e.name))
      .map((e) => e.name)
      .sort();
    if (files.length > 0) runs.push(summarizeRun(logdir, dir, files));
    for (const sub of entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort())
      visit(join(dir, sub));
  };
  visit(logdir);
  return runs.sort((a, b) => (a.run === "." ? -1 : b.run === "." ? 1 : a.run < b.run ? -1 : a.run > b.run ? 1 : 0));
}

/**
 * The last step of every tag in one run folder (its own event files, not subfolders): what a
 * resumed run passes as EventFileWriterOptions.lastSteps. Stops at a corrupt record, as
 * TensorBoard does.
 */
export function lastStepsOf(runDir: string): Map<string, number> {
  const last = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(runDir).filter(isEventsFile).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return last;
    throw error;
  }
  for (const name of names) {
    for (const event of readEventsFile(readFileSync(join(runDir, name))).events) {
      for (const value of event.summary?.value ?? []) last.set(value.tag, event.step ?? 0);
    }
  }
  return last;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** Quotes a path for a POSIX shell when it needs it, so the printed command can be pasted. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function describeProblem(problem: FileProblem, tagsCounted: boolean): string {
  switch (problem.kind) {
    case "corrupt":
      return `corrupt: ${problem.file}: ${problem.message}; ${problem.recordIndex} record${problem.recordIndex === 1 ? "" : "s"} before it ${tagsCounted ? "are counted above" : "were read"}, TensorBoard stops there too`;
    case "truncated":
      return `truncated: ${problem.file} ${problem.message}; the ${problem.recordIndex} complete record${problem.recordIndex === 1 ? "" : "s"} before it are counted`;
    case "unreadable":
      return `unreadable: ${problem.file}: ${problem.message}`;
  }
}

/** What `aelab tb` prints: each run, its tags, its problems, then the command to open TensorBoard. */
export function formatLogdirSummary(logdir: string, runs: RunSummary[]): string {
  const lines: string[] = [];
  if (runs.length === 0) {
    lines.push(`no event files (names containing "tfevents") under ${logdir}`);
  }
  for (const run of runs) {
    const files = run.files.length;
    lines.push(`run ${run.run} (${files} event file${files === 1 ? "" : "s"})`);
    const tagWidth = Math.max(0, ...run.tags.map((t) => t.tag.length));
    const kindWidth = Math.max(0, ...run.tags.map((t) => t.kind.length));
    const pointsWidth = Math.max(0, ...run.tags.map((t) => `${t.points}`.length));
    const stepWidth = Math.max(0, ...run.tags.map((t) => `${t.lastStep}`.length));
    for (const t of run.tags) {
      const parts = [
        t.tag.padEnd(tagWidth),
        t.kind.padEnd(kindWidth),
        `${`${t.points}`.padStart(pointsWidth)} point${t.points === 1 ? " " : "s"}`,
        `last step ${`${t.lastStep}`.padStart(stepWidth)}`,
      ];
      if (t.lastValue !== undefined) parts.push(`last value ${formatNumber(t.lastValue)}`);
      if (t.plugin) parts.push(`plugin ${t.plugin}`);
      if (t.detail) parts.push(t.detail);
      lines.push(`  ${parts.join("  ").trimEnd()}`);
    }
    if (run.tags.length === 0 && run.problems.length === 0) lines.push("  (no summaries yet)");
    for (const problem of run.problems) lines.push(`  ${describeProblem(problem, run.tags.length > 0)}`);
  }
  lines.push("", `tensorboard --logdir ${shellQuote(logdir)}`);
  return lines.join("\n");
}
