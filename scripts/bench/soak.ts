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
  const { tensorsAtStart, tensorsAtEnd, readings } = await soakSeries(file, batch, warmupSteps, steps, steps);
  return { tensorsAtStart, tensorsAtEnd, before: readings[0], after: readings[readings.length - 1] };
}

/**
 * Readings every `every` steps from the first logging step after `warmupSteps` until `steps` more
 * steps have run (readings fall on logging steps: log.every must divide `every`).
 */
export async function soakSeries(
  file: string,
  batch: number,
  warmupSteps: number,
  steps: number,
  every: number,
  onReading: (reading: SoakReading) => void = () => {},
): Promise<{ tensorsAtStart: number; tensorsAtEnd: number; readings: SoakReading[] }> {
  const config = benchConfig(file, batch);
  const dataset = await benchDataset(config);
  const tensorsAtStart = tf.memory().numTensors;
  const reading = (step: number): SoakReading => {
    // A full collection first (run with --expose-gc): RSS then counts what is retained, not garbage
    // V8 has not collected yet (without it the native run's RSS drifted up ~30 KB a step between
    // major collections, and came back down at the next; measured).
    (globalThis as { gc?: () => void }).gc?.();
    const memory = tf.memory();
    const taken = { step, numTensors: memory.numTensors, numBytes: memory.numBytes, rss: process.memoryUsage().rss };
    onReading(taken);
    return taken;
  };
  let step = 0;
  const readings: SoakReading[] = [];
  let lastInEpoch = 0;
  const done = () => readings.length > 0 && readings[readings.length - 1].step >= readings[0].step + steps;
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      lastInEpoch = 0;
    },
    step: (stepInEpoch, values) => {
      if (stepInEpoch === lastInEpoch) return; // the end-of-epoch read-back, not a step
      lastInEpoch = stepInEpoch;
      step++;
      if (!values || done()) return;
      const first = readings[0];
      if (!first ? step >= Math.max(1, warmupSteps) : step >= readings[readings.length - 1].step + every) readings.push(reading(step));
    },
  };
  await trainLoop({ config, dataset, writer: new MemoryWriter(), progress, shouldStop: done });
  if (!done()) throw new Error("soak: the loop ended before the last reading was taken");
  return { tensorsAtStart, tensorsAtEnd: tf.memory().numTensors, readings };
}
