/**
 * Hyperparameters for TensorBoard's HParams dashboard.
 *
 * How TensorBoard pairs an experiment with its sessions (tensorboard/plugins/hparams:
 * backend_context.py, list_session_groups.py, metrics.py):
 * - TensorBoard is started on the experiment folder (`tensorboard --logdir runs`); every folder
 *   under it that holds an events file is a run, named by its path relative to the logdir, and
 *   the folder itself is the run ".".
 * - The experiment is the first `_hparams_/experiment` summary found in any run.
 *   writeHparamsExperiment() puts it in the experiment folder itself (run "."), the place
 *   plugin_data.proto describes. It declares the hparam columns and the metric columns. Without
 *   one, TensorBoard infers the columns from the sessions and all scalar tags.
 * - A session is a run that holds `_hparams_/session_start_info` (SummaryWriter.hparams()); its
 *   name is that run's name, so each aelab run folder `runs/<name>/` is one session (one row).
 *   `_hparams_/session_end_info` in the same run sets its status.
 * - A metric {group, tag} of a session is read as the last point of the *scalar* time series
 *   `tag` in the run `<session run>/<group>`: with no group (aelab's case), the session's own
 *   run. So a metric tag must be logged with SummaryWriter.scalar() by the same run that wrote
 *   the session start info, under exactly the tag the experiment names.
 * - Sessions with the same non-empty group_name form one group (one row, e.g. repeats over
 *   seeds); an empty group_name makes the session its own group. aelab leaves it empty unless told.
 * - TensorBoard reads a time series' metadata from its first event only, and hparams data lives
 *   in the metadata: the first session_start_info / session_end_info a run writes is final. A
 *   later one (a "running" status updated to "success", or a resumed run writing new hparams
 *   into a second file of the same run) is ignored.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  DatasetType,
  HParamDataType,
  SessionStatusCode,
  encodeEvent,
  type Experiment,
  type HParamInfo,
  type HParamsPluginData,
  type MetricInfo,
  type ProtoValue,
} from "./proto.js";
import { encodeRecord } from "./record.js";
import { FILE_VERSION, HPARAMS_TAGS, hparamsValue, wallTimeSeconds } from "./summary-values.js";

export type HparamValue = string | number | boolean;

export interface HparamsSession {
  hparams: Record<string, HparamValue>;
  /** Sessions sharing a group name are one row of the dashboard; default: this session alone. */
  groupName?: string;
  /** Seconds since the epoch; default now. */
  startTimeSecs?: number;
}

export type SessionStatus = "success" | "failure" | "aborted" | "running";

// api.proto's Status has UNKNOWN, SUCCESS, FAILURE and RUNNING only. A run stopped by the user
// did not fail, and writing RUNNING would be final (see above), so "aborted" is UNKNOWN; the
// run's run.json says "interrupted".
export const SESSION_STATUS_CODES: Record<SessionStatus, number> = {
  success: SessionStatusCode.SUCCESS,
  failure: SessionStatusCode.FAILURE,
  aborted: SessionStatusCode.UNKNOWN,
  running: SessionStatusCode.RUNNING,
};

export type HparamType = "string" | "number" | "bool";

export type HparamDomain =
  /** The values the hparam takes, shown as a filter checklist. */
  | { values: HparamValue[] }
  /** A closed interval; numbers only. */
  | { min: number; max: number };

export interface HparamSpec {
  name: string;
  type: HparamType;
  domain?: HparamDomain;
  displayName?: string;
  description?: string;
}

export interface MetricSpec {
  /** The scalar tag each session logs, e.g. "test/loss". */
  tag: string;
  /** Subfolder of the session's run holding the scalar; default "" (the run itself). */
  group?: string;
  displayName?: string;
  description?: string;
  dataset?: "training" | "validation";
}

export interface ExperimentSpec {
  hparams: HparamSpec[];
  metrics: MetricSpec[];
  description?: string;
  /** Seconds since the epoch; default now. */
  timeCreatedSecs?: number;
}

/** The file writeHparamsExperiment() (re)writes; "tfevents" in the name is what TensorBoard loads. */
export const EXPERIMENT_FILE = "events.out.tfevents.aelab-hparams-experiment";

const TYPE_CODES: Record<HparamType, number> = {
  string: HParamDataType.STRING,
  number: HParamDataType.FLOAT64,
  bool: HParamDataType.BOOL,
};

const JS_TYPES: Record<HparamType, string> = { string: "string", number: "number", bool: "boolean" };

export function protoValue(where: string, value: HparamValue): ProtoValue {
  switch (typeof value) {
    case "number":
      // The dashboard sorts and filters numerically; NaN would sort nowhere.
      if (!Number.isFinite(value)) throw new RangeError(`${where} must be a finite number (got ${value})`);
      return { numberValue: value };
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    default:
      throw new TypeError(`${where} must be a string, number or boolean (got ${value === null ? "null" : typeof value})`);
  }
}

function checkName(where: string, name: unknown): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`${where} must be a non-empty string (got ${JSON.stringify(name)})`);
  }
}

function checkTime(where: string, secs: number): void {
  // Milliseconds passed by mistake would put the run in the year 50000.
  if (!Number.isFinite(secs) || secs < 0 || secs > 1e11) {
    throw new RangeError(`${where} must be seconds since the epoch (got ${secs})`);
  }
}

export function sessionStartData(session: HparamsSession): HParamsPluginData {
  const entries = Object.entries(session.hparams ?? {});
  if (entries.length === 0) throw new RangeError("hparams: the session names no hyperparameters");
  const hparams: Record<string, ProtoValue> = {};
  for (const [name, value] of entries) {
    checkName("hparams: a hyperparameter name", name);
    hparams[name] = protoValue(`hparams.${name}`, value);
  }
  const startTimeSecs = session.startTimeSecs ?? wallTimeSeconds();
  checkTime("hparams: startTimeSecs", startTimeSecs);
  if (session.groupName !== undefined && typeof session.groupName !== "string") {
    throw new TypeError(`hparams: groupName must be a string (got ${typeof session.groupName})`);
  }
  return { sessionStartInfo: { hparams, groupName: session.groupName ?? "", startTimeSecs } };
}

export function sessionEndData(status: SessionStatus, endTimeSecs = wallTimeSeconds()): HParamsPluginData {
  const code = Object.hasOwn(SESSION_STATUS_CODES, status) ? SESSION_STATUS_CODES[status] : undefined;
  if (code === undefined) {
    throw new RangeError(`hparamsEnd: status must be one of ${Object.keys(SESSION_STATUS_CODES).join(", ")} (got ${JSON.stringify(status)})`);
  }
  checkTime("hparamsEnd: endTimeSecs", endTimeSecs);
  return { sessionEndInfo: { status: code, endTimeSecs } };
}

function hparamInfo(spec: HparamSpec): HParamInfo {
  const where = `hparams experiment: hparam "${spec.name}"`;
  checkName("hparams experiment: an hparam name", spec.name);
  const type = Object.hasOwn(TYPE_CODES, spec.type) ? TYPE_CODES[spec.type] : undefined;
  if (type === undefined) throw new RangeError(`${where}: type must be "string", "number" or "bool" (got ${JSON.stringify(spec.type)})`);
  const info: HParamInfo = { name: spec.name, type };
  if (spec.displayName !== undefined) info.displayName = spec.displayName;
  if (spec.description !== undefined) info.description = spec.description;
  const domain = spec.domain;
  if (domain === undefined) return info;
  if ("values" in domain) {
    if (!Array.isArray(domain.values) || domain.values.length === 0) throw new RangeError(`${where}: domain.values must be a non-empty array`);
    info.domainDiscrete = {
      values: domain.values.map((value, i) => {
        if (typeof value !== JS_TYPES[spec.type]) {
          throw new TypeError(`${where}: domain.values[${i}] is a ${typeof value}, but the hparam's type is ${spec.type}`);
        }
        return protoValue(`${where}: domain.values[${i}]`, value);
      }),
    };
  } else {
    if (spec.type !== "number") throw new RangeError(`${where}: an interval domain needs type "number" (got ${spec.type})`);
    const { min, max } = domain;
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new RangeError(`${where}: domain must have finite min <= max (got [${min}, ${max}])`);
    }
    info.domainInterval = { minValue: min, maxValue: max };
  }
  return info;
}

function metricInfo(spec: MetricSpec): MetricInfo {
  checkName("hparams experiment: a metric tag", spec.tag);
  const info: MetricInfo = { name: { group: spec.group ?? "", tag: spec.tag } };
  if (spec.displayName !== undefined) info.displayName = spec.displayName;
  if (spec.description !== undefined) info.description = spec.description;
  if (spec.dataset !== undefined) {
    if (spec.dataset !== "training" && spec.dataset !== "validation") {
      throw new RangeError(`hparams experiment: metric "${spec.tag}": dataset must be "training" or "validation" (got ${JSON.stringify(spec.dataset)})`);
    }
    info.datasetType = spec.dataset === "training" ? DatasetType.TRAINING : DatasetType.VALIDATION;
  }
  return info;
}

export function experimentData(spec: ExperimentSpec): HParamsPluginData {
  const hparamInfos = spec.hparams.map(hparamInfo);
  const metricInfos = spec.metrics.map(metricInfo);
  const duplicate = (names: string[]) => names.find((name, i) => names.indexOf(name) !== i);
  const hp = duplicate(hparamInfos.map((h) => h.name));
  if (hp !== undefined) throw new RangeError(`hparams experiment: hparam "${hp}" is declared twice`);
  const metric = duplicate(metricInfos.map((m) => `${m.name.group}\u0000${m.name.tag}`));
  if (metric !== undefined) throw new RangeError(`hparams experiment: metric "${metric.split("\u0000")[1]}" is declared twice`);
  const timeCreatedSecs = spec.timeCreatedSecs ?? wallTimeSeconds();
  checkTime("hparams experiment: timeCreatedSecs", timeCreatedSecs);
  const experiment: Experiment = { timeCreatedSecs, hparamInfos, metricInfos };
  if (spec.description !== undefined) experiment.description = spec.description;
  return { experiment };
}

/**
 * Writes the `_hparams_/experiment` summary into `logdir` (the experiment folder whose
 * subfolders are the runs) and returns the file's path. The file has a fixed name and is
 * replaced whole on every call (written to a temporary name, fsynced, renamed), because
 * TensorBoard keeps the first experiment it finds: appending a second definition would change
 * nothing. A TensorBoard already running may need a restart to see a changed definition.
 */
export function writeHparamsExperiment(logdir: string, spec: ExperimentSpec): string {
  const value = hparamsValue(HPARAMS_TAGS.experiment, experimentData(spec));
  const wallTime = wallTimeSeconds();
  const bytes = Buffer.concat([
    encodeRecord(encodeEvent({ wallTime, fileVersion: FILE_VERSION })),
    encodeRecord(encodeEvent({ wallTime, step: 0, summary: { value: [value] } })),
  ]);
  mkdirSync(logdir, { recursive: true });
  const path = join(logdir, EXPERIMENT_FILE);
  // No "tfevents" in the temporary name: TensorBoard must never load a half-written file.
  const temporary = join(logdir, `.aelab-hparams-experiment.${process.pid}.tmp`);
  const fd = openSync(temporary, "w");
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  return path;
}
