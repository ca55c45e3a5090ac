import type { Timing } from "./args.js";
import { benchConfig, benchDataset } from "./config.js";
import type { Throughput } from "./job.js";
import { StepWindows } from "./windows.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { silentProgress, type Progress } from "../../src/train/progress.js";

/**
 * (a) Images/s of aelab's own loop: trainLoop with a MemoryWriter, so everything it does per step
 * counts (batching, the phases, per-network Adam, gradient norms, loss sums and their periodic
 * read-back). Its progress callbacks mark each step; the evaluation between epochs falls between
 * steps and is not timed.
 */
export async function aelabLoopThroughput(file: string, batch: number, timing: Timing): Promise<Throughput> {
  const config = benchConfig(file, batch);
  const dataset = await benchDataset(config);
  const windows = new StepWindows(timing, batch);
  let lastStep = 0;
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      lastStep = 0;
      windows.resume();
    },
    // An epoch ends with a read-back of its last losses, reported with the same step number: not a step.
    step: (stepInEpoch) => {
      if (stepInEpoch === lastStep) return;
      lastStep = stepInEpoch;
      windows.step();
    },
  };
  await trainLoop({ config, dataset, writer: new MemoryWriter(), progress, shouldStop: () => windows.done });
  return windows.result();
}
