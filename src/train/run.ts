import { basename, extname } from "node:path";
import type { RunConfig } from "../config/schema.js";
import { selectBackend, type BackendInfo, type BackendRequest } from "../backend/index.js";
import { loadDataset } from "../data/index.js";
import { EventFileWriter } from "../tensorboard/index.js";
import { packageInfo } from "../util/package-info.js";
import { trainLoop, type TrainResult } from "./loop.js";
import { silentProgress, type Progress } from "./progress.js";
import { createRunFolder, writeResolvedConfig, writeRunRecord, type RunRecord } from "./run-folder.js";

export interface RunOptions {
  config: RunConfig;
  /** The config file the run came from (recorded, and the default run name). */
  configFile: string;
  logdir: string;
  name?: string;
  backend?: BackendRequest;
  command?: string;
  progress?: Progress;
  shouldStop?: () => boolean;
}

export interface RunOutcome {
  dir: string;
  name: string;
  backend: BackendInfo;
  eventsFile: string;
  result: TrainResult;
}

/**
 * A whole run: backend, data, run folder (resolved config + run.json), event file, the loop. Whatever
 * happens, the event file is closed (flushed and fsynced) and run.json says how the run ended.
 */
export async function runTraining(options: RunOptions): Promise<RunOutcome> {
  const { config } = options;
  const progress = options.progress ?? silentProgress;
  const backend = await selectBackend(options.backend ?? "auto");
  const dataset = await loadDataset(config.data.source, {
    seed: config.seed,
    testFraction: config.data.testFraction,
    trainLimit: config.data.trainLimit,
    testLimit: config.data.testLimit,
  });
  const { dir, name } = createRunFolder(options.logdir, options.name ?? basename(options.configFile, extname(options.configFile)));
  writeResolvedConfig(dir, config, `resolved config of run ${name} (from ${options.configFile}); aelab ${packageInfo.version}`);
  const record: RunRecord = {
    name,
    command: options.command ?? "",
    configFile: options.configFile,
    status: "running",
    aelabVersion: packageInfo.version,
    node: process.version,
    backend,
    startedAt: new Date().toISOString(),
  };
  writeRunRecord(dir, record);
  progress.message(
    `run ${name}: ${config.model.variant} with ${config.model.recon} on ${dataset.name} (${dataset.train.count} train / ${dataset.test.count} test), backend ${backend.name}, logging to ${dir}`,
  );

  const writer = new EventFileWriter(dir, { flushSeconds: config.log.flushSeconds });
  try {
    const result = await trainLoop({ config, dataset, writer, progress, shouldStop: options.shouldStop });
    Object.assign(record, { status: result.stopped ? "interrupted" : "completed", steps: result.steps, epochs: result.epochs });
    return { dir, name, backend, eventsFile: writer.path, result };
  } catch (error) {
    Object.assign(record, { status: "failed", error: (error as Error).message });
    throw error;
  } finally {
    await writer.close();
    writeRunRecord(dir, { ...record, endedAt: new Date().toISOString() });
  }
}
