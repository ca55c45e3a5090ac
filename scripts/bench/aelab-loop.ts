import type { Timing } from "./args.js";
import { benchConfig, benchDataset, syncSteps } from "./config.js";
import type { Throughput } from "./job.js";
import { StepWindows } from "./windows.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { silentProgress, type Progress } from "../../src/train/progress.js";

/** What marks a loop's steps: StepWindows when timing throughput, the profiler's span when profiling. */
export interface StepTimer {
  /** Right before a step that does not follow another (the first, or one after an epoch's evaluation). */
  resume(): void;
  /** A step has just ended. */
  step(): void;
  readonly done: boolean;
}

/**
 * Runs aelab's own loop, trainLoop with a MemoryWriter, so everything it does per step counts
 * (batching, the phases, per-network Adam, gradient norms, loss sums and their periodic read-back),
 * marking each step on `timer` until it is done. The evaluation between epochs falls between steps.
 */
export async function runAelabLoop(file: string, batch: number, timer: StepTimer): Promise<void> {
  const config = benchConfig(file, batch, syncSteps());
  const dataset = await benchDataset(config);
  let lastStep = 0;
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      lastStep = 0;
      timer.resume();
    },
    // An epoch ends with a read-back of its last losses, reported with the same step number: not a step.
    step: (stepInEpoch) => {
      if (stepInEpoch === lastStep) return;
      lastStep = stepInEpoch;
      timer.step();
    },
  };
  await trainLoop({ config, dataset, writer: new MemoryWriter(), progress, shouldStop: () => timer.done });
}

/** (a) Images/s of aelab's own loop. */
export async function aelabLoopThroughput(file: string, batch: number, timing: Timing): Promise<Throughput> {
  // The loop's own read-back every log.every steps (benchConfig) is where webgpu's windows end.
  const windows = new StepWindows(timing, batch, syncSteps());
  await runAelabLoop(file, batch, windows);
  return windows.result();
}
