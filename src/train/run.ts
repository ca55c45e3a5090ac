import { existsSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { ConfigError, differingKeys, loadConfig } from "../config/index.js";
import { checkFolderName } from "../config/folder-name.js";
import type { RunConfig } from "../config/schema.js";
import { selectBackend, type BackendInfo, type BackendRequest } from "../backend/index.js";
import { featureCacheDir } from "../features/cache-dir.js";
import { dataCacheDir, loadDataset, type Dataset, type LoadOptions } from "../data/index.js";
import { validationIndices } from "../data/validation-split.js";
import { EventFileWriter, lastStepsOf } from "../tensorboard/index.js";
import { packageInfo } from "../util/package-info.js";
import { hasCheckpoint } from "../checkpoint/index.js";
import { configMarkdown, runHparams, summaryMarkdown } from "./hparams.js";
import { checkConfigFitsData } from "./check-fit.js";
import { closeRun } from "./close-run.js";
import { trainLoop, type TrainResult } from "./loop.js";
import type { Observer } from "./observers/observer.js";
import { silentProgress, type Progress } from "./progress.js";
import { createRunFolder, writeResolvedConfig, writeRunRecord, type RunRecord } from "./run-folder.js";

export interface RunOptions {
  config: RunConfig;
  /** The config file the run came from (recorded, and the default run name). */
  configFile: string;
  logdir: string;
  name?: string;
  /** Continue the run in this folder from its checkpoint (config = its config.yaml plus overrides). */
  resumeDir?: string;
  backend?: BackendRequest;
  command?: string;
  progress?: Progress;
  /** Called after the built-in observers (see trainLoop). */
  observers?: readonly Observer[];
  shouldStop?: () => boolean;
}

export interface RunOutcome {
  dir: string;
  name: string;
  backend: BackendInfo;
  eventsFile: string;
  result: TrainResult;
}

/** A run folder's problems (resuming one without a checkpoint, ...), reported in one line. */
export class RunError extends Error {
  override readonly name = "RunError";
}

export function readRecord(dir: string): RunRecord {
  const path = join(dir, "run.json");
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RunRecord;
  } catch (error) {
    throw new RunError(`${path} is missing or not JSON (${(error as Error).message}); is ${dir} a run folder?`);
  }
}

/**
 * What a resumed run may change: how long it trains and how it logs. Anything else (batch size, seed,
 * data, model, optimizer) would make the checkpoint's position, streams or weights mean something else.
 */
const RESUMABLE_KEYS = /^(train\.epochs|train\.checkpointEvery|log\..+)$/;

function checkResumable(dir: string, config: RunConfig): void {
  const file = join(dir, "config.yaml");
  const changed = differingKeys(loadConfig(file), config).filter((key) => !RESUMABLE_KEYS.test(key));
  if (changed.length > 0) {
    throw new ConfigError(`config error in ${file}: a resumed run can change only train.epochs, train.checkpointEvery and log.*, not ${changed.join(", ")}`);
  }
}

/** The new run's name: --name, else the config file's name; checked to stay inside the logdir. */
function runName(options: RunOptions): string {
  if (options.name !== undefined) {
    checkFolderName("run name", "a run name", options.name);
    return options.name;
  }
  const name = basename(options.configFile, extname(options.configFile));
  checkFolderName(`run name (the config file's name; pass --name)`, "a run name", name);
  return name;
}

/** The run folder (a new one named `newName`, or the one being resumed) and its record. */
function openRunFolder(options: RunOptions, newName: string, backend: BackendInfo, data: Dataset): { dir: string; name: string; record: RunRecord } {
  const { config } = options;
  const held = config.data.validation > 0 ? validationIndices(data.train.labels, config.data.validation, config.seed) : undefined;
  const counts = held ? { train: held.train.length, validation: held.validation.length } : { train: data.train.count };
  const dataset = { name: data.name, source: data.source, height: data.height, width: data.width, channels: data.channels, ...counts, test: data.test.count };
  if (options.resumeDir) {
    const dir = options.resumeDir;
    if (!hasCheckpoint(dir)) throw new RunError(`cannot resume ${dir}: it holds no checkpoint (checkpoint/state.json)`);
    checkResumable(dir, config);
    const record = readRecord(dir);
    writeResolvedConfig(dir, config, `resolved config of run ${record.name}, resumed; aelab ${packageInfo.version}`);
    return {
      dir,
      name: record.name,
      record: { ...record, status: "running", backend, dataset, resumedAt: [...(record.resumedAt ?? []), new Date().toISOString()] },
    };
  }
  const { dir, name } = createRunFolder(options.logdir, newName);
  writeResolvedConfig(dir, config, `resolved config of run ${name} (from ${options.configFile}); aelab ${packageInfo.version}`);
  const record: RunRecord = {
    name,
    command: options.command ?? "",
    configFile: options.configFile,
    status: "running",
    aelabVersion: packageInfo.version,
    node: process.version,
    backend,
    dataset,
    startedAt: new Date().toISOString(),
  };
  return { dir, name, record };
}

/** The data a config names, cut and split as it says, and checked to fit its networks; `origin` names the config in errors. */
export async function loadRunDataset(config: RunConfig, origin: string, load: Pick<LoadOptions, "cacheDir" | "progress" | "log"> = {}): Promise<Dataset> {
  const dataset = await loadDataset(config.data.source, { ...config.data, seed: config.seed, ...load });
  checkConfigFitsData(config, dataset, origin);
  return dataset;
}

/**
 * A whole run: backend, data, run folder (resolved config + run.json), event file, the loop. Whatever
 * happens, the event file is closed (flushed and fsynced) and run.json says how the run ended.
 */
export async function runTraining(options: RunOptions): Promise<RunOutcome> {
  const { config } = options;
  const progress = options.progress ?? silentProgress;
  if (options.resumeDir && !existsSync(options.resumeDir)) throw new RunError(`cannot resume ${options.resumeDir}: no such run folder`);
  // Before the backend and the data: a bad name is refused at once, with nothing written.
  const newName = options.resumeDir ? "" : runName(options);
  const backend = await selectBackend(options.backend ?? "auto");
  if (backend.kernels.native && backend.kernels.slowerKernels) progress.message(`note: ${backend.kernels.slowerKernels}`);
  const dataset = await loadRunDataset(config, options.configFile, {
    cacheDir: dataCacheDir(options.logdir),
    progress: (done, total) => progress.task?.("decoding images", done, total),
    log: (line) => progress.message(line),
  });
  const { dir, name, record } = openRunFolder(options, newName, backend, dataset);
  writeRunRecord(dir, record);
  const validationCount = record.dataset?.validation ? ` / ${record.dataset.validation} validation` : "";
  progress.message(
    `run ${name}: ${config.model.variant} with ${config.model.recon} on ${dataset.name} (${record.dataset?.train} train${validationCount} / ${dataset.test.count} test), backend ${backend.name}, logging to ${dir}`,
  );

  // A resumed run appends a new events file to its folder; its steps continue where the old ones stopped.
  let writer: EventFileWriter;
  try {
    writer = new EventFileWriter(dir, { flushSeconds: config.log.flushSeconds, lastSteps: options.resumeDir ? lastStepsOf(dir) : undefined });
  } catch (error) {
    // No events file (a full disk, say): run.json still says how the run ended, where the disk takes it.
    await closeRun({ close: async () => {} }, dir, Object.assign(record, { status: "failed", error: (error as Error).message }));
    throw error;
  }
  try {
    if (!options.resumeDir) {
      // TensorBoard keeps the first session start of a run, so a resumed run does not write another.
      writer.hparams({ hparams: runHparams(config), startTimeSecs: Date.now() / 1000 });
      writer.text("config", configMarkdown(config, options.configFile), 0);
    }
    const configOrigin = options.resumeDir ? join(dir, "config.yaml") : options.configFile;
    const result = await trainLoop({
      config,
      dataset,
      writer,
      progress,
      observers: options.observers,
      shouldStop: options.shouldStop,
      checkpointDir: dir,
      resume: Boolean(options.resumeDir),
      configOrigin,
      featureCache: featureCacheDir(options.logdir),
    });
    // A resumed epoch replaces the partial entry the interrupted run wrote for it.
    const resumedEpochs = new Set(result.epochs.map((e) => e.epoch));
    const earlier = options.resumeDir ? ((record.epochs ?? []) as Array<{ epoch: number }>).filter((e) => !resumedEpochs.has(e.epoch)) : [];
    const epochs = [...earlier, ...result.epochs];
    Object.assign(record, { status: result.stopped ? "interrupted" : "completed", steps: result.steps, epochs });
    // A resume with nothing left to train measures nothing: the test scalars of the run's weights stay as recorded.
    if (result.convergence)
      record.convergence = { ...(result.epochs.length === 0 && record.convergence?.test ? { test: record.convergence.test } : {}), ...result.convergence };
    writer.text("summary", summaryMarkdown(result, backend.name), result.steps);
    // An interrupted run writes no end status: it is final in TensorBoard, and the run may yet be resumed.
    if (!result.stopped) writer.hparamsEnd("success", result.steps);
    return { dir, name, backend, eventsFile: writer.path, result };
  } catch (error) {
    Object.assign(record, { status: "failed", error: (error as Error).message });
    try {
      writer.hparamsEnd("failure", record.steps ?? 0);
    } catch {
      // A writer that failed (full disk, deleted folder) cannot log the end; the error that stopped the run is the one to report.
    }
    throw error;
  } finally {
    await closeRun(writer, dir, record);
  }
}
