import { selectBackend, type BackendInfo, type BackendRequest } from "../backend/index.js";
import { validateConfig } from "../config/load.js";
import { MemoryWriter, type SummaryWriter } from "../tensorboard/index.js";
import { trainLoop, type TrainResult } from "./loop.js";
import type { Observer } from "./observers/observer.js";
import type { Progress } from "./progress.js";
import { loadRunDataset, runTraining } from "./run.js";

export interface TrainOptions {
  /** Called after the built-in observers (images, histograms, progress, early stopping, convergence record). */
  observers?: readonly Observer[];
  /**
   * Write a run folder under this folder, as `aelab train` does: the resolved config, run.json, an
   * events file and checkpoints (so `aelab eval`, `sample` and `train --resume` work on it).
   */
  logdir?: string;
  /** The run folder's name inside logdir (default "run"; -2, -3, ... if taken). */
  name?: string;
  /** Without logdir: log to this writer (default a MemoryWriter, returned); no folder, no checkpoints. */
  writer?: SummaryWriter;
  /** Where the config came from, named in its errors and recorded in run.json (default "train()"). */
  configFile?: string;
  /** tfjs backend (default "auto": the fastest available). */
  backend?: BackendRequest;
  progress?: Progress;
  /** Polled between steps; true ends training after the current step, with a checkpoint to resume from. */
  shouldStop?: () => boolean;
}

export interface Trained {
  result: TrainResult;
  backend: BackendInfo;
  /** With logdir: the run folder and its events file. */
  dir?: string;
  eventsFile?: string;
  /** Without logdir: the writer everything was logged to. */
  writer?: SummaryWriter;
}

/**
 * Trains one run from a config object (the YAML's structure; defaults filled in and checked as
 * `aelab train` checks a file): with `logdir`, a full run folder (runTraining); without, in memory
 * (trainLoop with a writer). Likelihoods registered with registerLikelihood before the call may be named
 * in `model.recon`.
 */
export async function train(config: unknown, options: TrainOptions = {}): Promise<Trained> {
  const configFile = options.configFile ?? "train()";
  const resolved = validateConfig(config, configFile);
  if (options.logdir !== undefined) {
    if (options.writer) throw new Error("train: give logdir (a run folder with its own events file) or writer, not both");
    const outcome = await runTraining({
      config: resolved,
      configFile,
      logdir: options.logdir,
      name: options.name ?? "run",
      backend: options.backend,
      progress: options.progress,
      observers: options.observers,
      shouldStop: options.shouldStop,
    });
    return { result: outcome.result, backend: outcome.backend, dir: outcome.dir, eventsFile: outcome.eventsFile };
  }
  const backend = await selectBackend(options.backend ?? "auto");
  const dataset = await loadRunDataset(resolved, configFile);
  const writer = options.writer ?? new MemoryWriter();
  const result = await trainLoop({
    config: resolved,
    dataset,
    writer,
    progress: options.progress,
    observers: options.observers,
    shouldStop: options.shouldStop,
    configOrigin: configFile,
  });
  return { result, backend, writer };
}
