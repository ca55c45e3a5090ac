import { loadConfig, type RunConfig } from "../../src/config/index.js";
import { loadDataset, type Dataset } from "../../src/data/index.js";

/** Train images per epoch: a whole number of batches, so every timed step sees a full batch. */
export function trainImages(batch: number): number {
  return batch * Math.max(1, Math.floor(8192 / batch));
}

/**
 * A shipped config as the bench runs it: the given batch size, whole batches only, and as little
 * evaluation and image logging between epochs as the loop allows (they are not timed, but cost wall
 * time). Epochs are unbounded: the bench stops the loop when its windows are done.
 */
export function benchConfig(file: string, batch: number): RunConfig {
  return loadConfig(file, [
    `train.batchSize=${batch}`,
    "train.epochs=1000000",
    `data.trainLimit=${trainImages(batch)}`,
    `data.testLimit=${batch}`,
    "log.images=8",
    "log.imagesEvery=1000000",
  ]);
}

export function benchDataset(config: RunConfig): Promise<Dataset> {
  const { data, seed } = config;
  return loadDataset(data.source, { seed, testFraction: data.testFraction, trainLimit: data.trainLimit, testLimit: data.testLimit });
}
