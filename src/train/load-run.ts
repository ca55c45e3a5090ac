import { existsSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { loadConfig } from "../config/index.js";
import type { NetworkName, RunConfig } from "../config/schema.js";
import { buildVariant, type Variant } from "../models/index.js";
import type { ImageShape } from "../nn/modules.js";
import { streamFor } from "../random/rng.js";
import { hasCheckpoint, loadCheckpoint, type CheckpointState } from "../checkpoint/index.js";
import { readRecord, RunError } from "./run.js";
import type { RunRecord } from "./run-folder.js";

export interface LoadedRun {
  dir: string;
  config: RunConfig;
  record: RunRecord;
  shape: ImageShape;
  variant: Variant;
  checkpoint: CheckpointState;
}

/** A finished (or interrupted) run's networks with their checkpointed weights, for sampling and evaluation. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  if (!existsSync(dir)) throw new RunError(`no such run folder: ${dir}`);
  const record = readRecord(dir);
  if (!hasCheckpoint(dir)) throw new RunError(`run ${dir} holds no checkpoint (checkpoint/state.json); it may have failed before its first epoch ended`);
  if (!record.dataset) throw new RunError(`${join(dir, "run.json")} does not record the data shape (dataset); was it written by an older aelab?`);
  const config = loadConfig(join(dir, "config.yaml"));
  const { height, width, channels } = record.dataset;
  const shape = { height, width, channels };
  const variant = buildVariant(config, shape, streamFor(config.seed, "weights"));
  try {
    const checkpoint = await loadCheckpoint(dir, { models: variant.networks as Record<NetworkName, tf.LayersModel>, optimizers: {} });
    return { dir, config, record, shape, variant, checkpoint };
  } catch (error) {
    variant.dispose();
    throw error;
  }
}
