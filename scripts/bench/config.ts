import * as tf from "@tensorflow/tfjs";
import { loadConfig, type RunConfig } from "../../src/config/index.js";
import { loadDataset, type Dataset } from "../../src/data/index.js";

/** Steps between the webgpu loop's read-backs in the bench (log.every), where its timing windows may end. */
export const WEBGPU_SYNC_STEPS = 10;

/** Steps between the points where a step's work is known to be done: every step, but on webgpu. Call after the backend is chosen. */
export function syncSteps(): number {
  return tf.getBackend() === "webgpu" ? WEBGPU_SYNC_STEPS : 1;
}

/** Train images per epoch: a whole number of batches, so every timed step sees a full batch. */
export function trainImages(batch: number): number {
  return batch * Math.max(1, Math.floor(8192 / batch));
}

/**
 * A shipped config as the bench runs it: the given batch size, whole batches only, and as little
 * evaluation and image logging between epochs as the loop allows (they are not timed, but cost wall
 * time). Epochs are unbounded: the bench stops the loop when its windows are done.
 */
export function benchConfig(file: string, batch: number, sync = 1): RunConfig {
  return loadConfig(file, [
    `train.batchSize=${batch}`,
    // On webgpu the loop waits for the device only when it reads its losses back (every log.every
    // steps): timing windows end there (syncSteps), so a small interval keeps them short.
    ...(sync > 1 ? [`log.every=${sync}`] : []),
    "train.epochs=1000000",
    `data.trainLimit=${trainImages(batch)}`,
    `data.testLimit=${batch}`,
    "log.images=8",
    "log.imagesEvery=1000000",
  ]);
}

export function benchDataset(config: RunConfig): Promise<Dataset> {
  const { data, seed } = config;
  return loadDataset(data.source, { ...data, seed });
}
