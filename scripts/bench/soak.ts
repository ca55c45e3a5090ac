import * as tf from "@tensorflow/tfjs";
import { benchConfig, benchDataset } from "./config.js";
import type { Soak, SoakReading } from "./job.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { silentProgress, type Progress } from "../../src/train/progress.js";

/**
 * Tensors and RSS of the aelab loop before and after `steps` training steps. Readings are taken only on
 * logging steps, where the loss sums have just been read back and emptied, so both see the same set of
 * live tensors (the variables, Adam's slots and nothing else) and any difference is a leak. The first
 * reading waits for warm-up: Adam makes its slots on the first step, and the wasm heap grows early on.
 * Each reading follows a full garbage collection.
 */
export async function soak(file: string, batch: number, warmupSteps: number, steps: number): Promise<Soak> {
  const config = benchConfig(file, batch);
  const dataset = await benchDataset(config);
  const tensorsAtStart = tf.memory().numTensors;
  const reading = (step: number): SoakReading => {
    // A full collection first (the worker runs with --expose-gc): RSS then counts what is retained,
    // not garbage V8 has not collected yet (without it the native run's RSS drifted up ~30 KB a step
    // between major collections, and came back down at the next; measured).
    (globalThis as { gc?: () => void }).gc?.();
    const memory = tf.memory();
    return { step, numTensors: memory.numTensors, numBytes: memory.numBytes, rss: process.memoryUsage().rss };
  };
  let step = 0;
  let before: SoakReading | undefined;
  let after: SoakReading | undefined;
  let lastInEpoch = 0;
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      lastInEpoch = 0;
    },
    step: (stepInEpoch, values) => {
      if (stepInEpoch === lastInEpoch) return; // the end-of-epoch read-back, not a step
      lastInEpoch = stepInEpoch;
      step++;
      if (!values) return;
      if (!before && step >= Math.max(1, warmupSteps)) before = reading(step);
      else if (before && !after && step >= before.step + steps) after = reading(step);
    },
  };
  await trainLoop({ config, dataset, writer: new MemoryWriter(), progress, shouldStop: () => after !== undefined });
  if (!before || !after) throw new Error("soak: the loop ended before both readings were taken");
  return { tensorsAtStart, tensorsAtEnd: tf.memory().numTensors, before, after };
}
