import { type Dirent, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { folderNameError } from "../config/folder-name.js";
import { BAND_STATS, bandsLayout, bandTag, seedBand, type BandPoint } from "../tensorboard/bands.js";
import { customScalarsValue } from "../tensorboard/custom-scalars.js";
import type { Event, SummaryValue } from "../tensorboard/proto.js";
import { readRunScalars, type Curve } from "../tensorboard/scalars.js";
import { scalarValue, textValue } from "../tensorboard/summary-values.js";
import { writeWholeEventsFile } from "../tensorboard/whole-file.js";
import { readRunRecordIfAny } from "../train/run-folder.js";
import { asFileSystemError } from "../util/file-system-error.js";
import { checkInsideLogdir } from "../util/inside-logdir.js";
import { seedAxisOf } from "./claims.js";
import { ExperimentError } from "./errors.js";
import { EXPERIMENT_JSON, readExperimentRecord, type ExperimentRecord } from "./record.js";

/** `<experiment>/_bands/<group>/`: one TensorBoard run per group, holding its bands over seeds. */
export const BANDS_DIR = "_bands";
/** Each group's band file: a fixed name, replaced whole on every write, so bands never pile up. */
export const BANDS_FILE = "events.out.tfevents.aelab-seed-bands";
/** The Custom Scalars layout, in the experiment folder itself (TensorBoard's run "."). */
export const LAYOUT_FILE = "events.out.tfevents.aelab-custom-scalars";
/** The sections whose scalars get bands, in the layout's order: the evaluations, then the training curves. */
export const BAND_SECTIONS = ["test", "validation", "train"] as const;
/** The text tag in each band run saying which runs it is over. */
export const BANDS_NOTE_TAG = "seed_bands";

type RecordAxes = Pick<ExperimentRecord, "name" | "axes">;

/**
 * A cell's group: its folder (its levels' segments, `ae-mse/none/seed-1`) without the seed axis's
 * segment (`ae-mse/none`); the experiment's name when the seed is its only axis, the whole cell when
 * it has no seed axis.
 */
export function cellGroup(record: RecordAxes, cellName: string): string {
  const seedAxis = seedAxisOf(record.axes);
  const index = seedAxis ? record.axes.indexOf(seedAxis) : -1;
  return (
    cellName
      .split("/")
      .filter((_, i) => i !== index)
      .join("/") || record.name
  );
}

export interface BandGroup {
  group: string;
  /** The band run's folder. */
  dir: string;
  /** The completed cells it is over, and their seed levels. */
  cells: string[];
  seeds: string[];
  /** Cells of the group left out because their run has not completed. */
  leftOut: string[];
  /** Tags that got a band. */
  tags: number;
}

export interface BandsOutcome {
  groups: BandGroup[];
  /** The Custom Scalars layout's file, when any band was written. */
  layout?: string;
  /** Why no bands were written at all. */
  skipped?: string;
  /** Events files whose reading stopped early, one line each. */
  problems: string[];
}

const inSections = (tag: string) => BAND_SECTIONS.some((section) => tag.startsWith(`${section}/`));

function readRecord(experimentDir: string): ExperimentRecord {
  if (!existsSync(join(experimentDir, EXPERIMENT_JSON))) {
    throw new ExperimentError(`${experimentDir} is not an experiment folder (no ${EXPERIMENT_JSON}; aelab experiment <file> writes one)`);
  }
  try {
    return readExperimentRecord(experimentDir);
  } catch (error) {
    if (error instanceof SyntaxError) throw new ExperimentError(`${join(experimentDir, EXPERIMENT_JSON)} is not valid JSON (${error.message})`);
    throw asFileSystemError(error, join(experimentDir, EXPERIMENT_JSON), "read");
  }
}

function note(group: string, cells: readonly string[], seeds: readonly string[], leftOut: readonly string[]): string {
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");
  const lines = [
    `Seed bands of group \`${group}\`: for every ${BAND_SECTIONS.map((s) => `${s}/`).join(", ")} scalar of its runs, ` +
      `\`<tag>/mean\`, \`<tag>/min\`, \`<tag>/max\` and \`<tag>/std\` (sample standard deviation, n - 1; only with two seeds or more) ` +
      `over ${cells.length} seed${cells.length === 1 ? "" : "s"} (${seeds.join(", ")}), at each step every one of them logged.`,
    "",
    `Runs: ${list(cells)}.`,
  ];
  if (leftOut.length) lines.push("", `Left out (not completed): ${list(leftOut)}.`);
  lines.push("", "Derived from the runs' events files; `aelab report` writes them again.");
  return lines.join("\n");
}

/** The band run's events: its note at step 0, then each step's statistics, tag by tag, steps in order across tags. */
function bandEvents(bands: ReadonlyMap<string, BandPoint[]>, noteText: string, noteTime: number): Event[] {
  const entries: Array<{ tag: string; point: BandPoint }> = [];
  for (const [tag, points] of bands) for (const point of points) entries.push({ tag, point });
  // Stable sort: at one step, tags keep their order of first appearance.
  entries.sort((a, b) => a.point.step - b.point.step);
  const events: Event[] = [{ wallTime: noteTime, step: 0, summary: { value: [textValue(BANDS_NOTE_TAG, noteText)] } }];
  for (const { tag, point } of entries) {
    const value: SummaryValue[] = [];
    for (const stat of BAND_STATS) {
      const v = point[stat];
      if (v !== undefined) value.push(scalarValue(bandTag(tag, stat), v));
    }
    events.push({ wallTime: point.wallTime, step: point.step, summary: { value } });
  }
  return events;
}

/** Every band file under `<experiment>/_bands` but those in the folders `keep`; then the folders left empty. Links are not followed. */
function removeStaleBands(experimentDir: string, keep: ReadonlySet<string>): void {
  const visit = (dir: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    let empty = true;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isFile() && entry.name === BANDS_FILE && !keep.has(dir)) rmSync(path, { force: true });
      else if (entry.isDirectory() && visit(path)) rmdirSync(path);
      else empty = false;
    }
    return empty;
  };
  const root = join(experimentDir, BANDS_DIR);
  if (visit(root)) rmdirSync(root);
}

/**
 * Writes the seed bands of an experiment's groups (its cells that differ only in their seed level): per
 * group, one TensorBoard run `<experiment>/_bands/<group>/` whose single events file holds, for every
 * test/, validation/ and train/ scalar the group's completed runs logged, `<tag>/mean`, `/min`, `/max`
 * and `/std` at each step all of them logged; and a Custom Scalars layout in the experiment folder that
 * draws each tag's mean between min and max, one band per group. Every file is replaced whole (written
 * aside, then renamed), so running it again replaces the bands, and an interrupted write leaves the
 * earlier files as they were. Bands of groups no longer in the record are removed.
 */
export function writeSeedBands(experimentDir: string, options: { log?: (line: string) => void } = {}): BandsOutcome {
  const log = options.log ?? (() => {});
  const record = readRecord(experimentDir);
  const layoutPath = join(experimentDir, LAYOUT_FILE);
  const seedAxis = seedAxisOf(record.axes);
  const outcome: BandsOutcome = { groups: [], problems: [] };
  const skip = (why: string): BandsOutcome => {
    log(`bands: none (${why})`);
    return { ...outcome, skipped: why };
  };
  if (!seedAxis) {
    removeStaleBands(experimentDir, new Set());
    rmSync(layoutPath, { force: true });
    return skip("the experiment has no seed axis, so no group has seeds to band");
  }
  const clash = record.cells.find((cell) => cell.dir === BANDS_DIR || cell.dir.startsWith(`${BANDS_DIR}/`));
  if (clash) return skip(`cell ${clash.name}'s folder is where the bands go (${BANDS_DIR}/); rename its level to get bands`);

  const groups = new Map<string, Array<ExperimentRecord["cells"][number]>>();
  for (const cell of record.cells) {
    const group = cellGroup(record, cell.name);
    const members = groups.get(group);
    if (members) members.push(cell);
    else groups.set(group, [cell]);
  }

  const written = new Set<string>();
  const allTags: string[] = [];
  let latest = 0;
  for (const [group, cells] of groups) {
    const error = folderNameError(`${EXPERIMENT_JSON}: group`, "a group's band folder", `${BANDS_DIR}/${group}`);
    if (error) throw new ExperimentError(`${join(experimentDir, EXPERIMENT_JSON)}: ${error}`);
    const dir = join(experimentDir, BANDS_DIR, group);
    checkInsideLogdir(experimentDir, join(dir, BANDS_FILE));
    const completed = cells.filter((cell) => readRunRecordIfAny(join(experimentDir, cell.dir))?.status === "completed");
    const leftOut = cells.filter((cell) => !completed.includes(cell)).map((cell) => cell.name);
    if (completed.length === 0) continue;

    const runs = completed.map((cell) => {
      const read = readRunScalars(join(experimentDir, cell.dir), inSections);
      outcome.problems.push(...read.problems);
      return read.curves;
    });
    const bands = new Map<string, BandPoint[]>();
    for (const tag of runs[0]!.keys()) {
      if (!runs.every((curves) => curves.has(tag))) continue;
      const points = seedBand(runs.map((curves) => curves.get(tag) as Curve));
      if (points.length > 0) bands.set(tag, points);
    }
    if (bands.size === 0) continue;

    let earliest = Number.POSITIVE_INFINITY;
    for (const points of bands.values()) {
      for (const { wallTime } of points) {
        earliest = Math.min(earliest, wallTime);
        latest = Math.max(latest, wallTime);
      }
    }
    const names = completed.map((cell) => cell.name);
    const seeds = completed.map((cell) => cell.levels[seedAxis.name] ?? "?");
    mkdirSync(dir, { recursive: true });
    writeWholeEventsFile(join(dir, BANDS_FILE), bandEvents(bands, note(group, names, seeds, leftOut), earliest), earliest);
    written.add(dir);
    allTags.push(...bands.keys());
    outcome.groups.push({ group, dir, cells: names, seeds, leftOut, tags: bands.size });
  }

  if (allTags.length > 0) {
    checkInsideLogdir(experimentDir, layoutPath);
    const layout = bandsLayout(allTags, BAND_SECTIONS);
    // The layout's time is the data's, so writing the bands again from the same runs gives the same bytes.
    writeWholeEventsFile(layoutPath, [{ wallTime: latest, step: 0, summary: { value: [customScalarsValue(layout)] } }], latest);
    outcome.layout = layoutPath;
  } else {
    rmSync(layoutPath, { force: true });
  }
  removeStaleBands(experimentDir, written);
  for (const problem of outcome.problems) log(`bands: ${problem}`);
  if (outcome.groups.length > 0) {
    const runs = outcome.groups.reduce((n, g) => n + g.cells.length, 0);
    log(
      `bands: ${outcome.groups.length} group${outcome.groups.length === 1 ? "" : "s"} over ${runs} runs in ${join(experimentDir, BANDS_DIR)}; Custom Scalars layout ${layoutPath}`,
    );
  } else {
    log("bands: no completed runs with test/, validation/ or train/ scalars yet");
  }
  return outcome;
}
