import type { RunConfig } from "../../config/schema.js";
import { batches, epochData, type Dataset } from "../../data/index.js";
import type { Variant } from "../../models/index.js";
import type { ImageShape } from "../../nn/modules.js";
import { Rng, type RngState } from "../../random/rng.js";
import type { SummaryWriter } from "../../tensorboard/index.js";
import type { ScalarAccumulator } from "../accumulator.js";
import { seededNoise } from "../noise.js";
import type { Observers } from "../observers/observer.js";
import type { Optimizers } from "../optimizers.js";
import { trainStep, type PhaseRunner, type StepState } from "../step.js";
import { checkFinite } from "./nan-guard.js";

/** What every epoch of a run trains with; `step` counts the steps done. */
export interface Training {
  readonly config: RunConfig;
  readonly dataset: Dataset;
  readonly shape: ImageShape;
  readonly variant: Variant;
  readonly runners: readonly PhaseRunner[];
  readonly optimizers: Optimizers;
  /** The training examples' positions once the validation split is held out (undefined: all of them). */
  readonly trainIndices?: Uint32Array;
  readonly trainCount: number;
  readonly stepsPerEpoch: number;
  readonly stepState: StepState;
  /** The running sums of the training scalars since the last log. */
  readonly interval: ScalarAccumulator;
  readonly writer: SummaryWriter;
  readonly observers: Observers;
  readonly clock: () => number;
  /** Polled after every step (Ctrl-C). */
  readonly shouldStop: () => boolean;
  step: number;
}

export interface EpochOutcome {
  /** The epoch's means of the training scalars (of its resumed part only, for a resumed epoch). */
  train: Record<string, number>;
  batchesDone: number;
  examples: number;
  trainSeconds: number;
  /** The epoch's noise stream where the epoch stopped, for a checkpoint that resumes inside it. */
  noiseState: RngState;
  /** shouldStop asked for a stop: before the epoch's last step (interrupted) or at it. */
  stopAsked: boolean;
  interrupted: boolean;
}

/** Diagnostics and gating shares are not losses: they get their own top-level sections. */
function trainTag(tag: string): string {
  return /^(diagnostics|gating)\//.test(tag) ? tag : `train/${tag}`;
}

/**
 * One epoch's training steps, from batch `resume.batchesDone` on, on the epoch's own shuffle and noise
 * streams (so an epoch resumed part-way draws what the uninterrupted one drew). The training scalars'
 * means are logged every log.every steps and at the epoch's last or interrupted step.
 */
export async function trainEpoch(run: Training, epoch: number, resume?: { batchesDone: number; noiseState?: RngState }): Promise<EpochOutcome> {
  const { config, trainIndices, stepsPerEpoch, interval } = run;
  const { batchSize } = config.train;
  const seed = config.seed;
  const skip = resume?.batchesDone ?? 0;
  const split = epochData(run.dataset.train, config.data.binarize, epoch, seed, config.data.threshold);
  // The shuffle permutes the training examples' positions: all of them, or those the validation split left.
  const permutation = new Rng(`${seed}/shuffle/${epoch}`).permutation(run.trainCount);
  const order = (trainIndices ? permutation.map((i) => trainIndices[i]) : permutation).subarray(skip * batchSize);
  const noiseRng = new Rng(`${seed}/noise/${epoch}`, resume?.noiseState);
  const noise = seededNoise(noiseRng);
  const epochTotals = new Map<string, { sum: number; count: number }>();
  let batchesDone = skip;
  let examples = 0;
  let stopAsked = false;
  let interrupted = false;
  await run.observers.emit("onEpochStart", { epoch, step: run.step });

  const logInterval = async (): Promise<ReadonlyMap<string, number>> => {
    const { means, counts } = await interval.drain();
    checkFinite(means, run.step, epoch, trainTag);
    for (const [tag, mean] of means) {
      run.writer.scalar(trainTag(tag), mean, run.step);
      const total = epochTotals.get(tag) ?? { sum: 0, count: 0 };
      const count = counts.get(tag)!;
      epochTotals.set(tag, { sum: total.sum + mean * count, count: total.count + count });
    }
    return means;
  };

  const started = run.clock();
  for (const batch of batches(split, batchSize, order, run.shape)) {
    await trainStep(run.variant, run.runners, run.optimizers, batch.x, noise, run.step, run.stepState, interval);
    examples += batch.x.shape[0];
    batch.x.dispose();
    run.step++;
    batchesDone++;
    stopAsked = run.shouldStop();
    interrupted = stopAsked && batchesDone < stepsPerEpoch;
    const logs = run.step % config.log.every === 0 || batchesDone === stepsPerEpoch || interrupted ? await logInterval() : undefined;
    await run.observers.emit("onStepEnd", { epoch, step: run.step, stepInEpoch: batchesDone, ...(logs ? { logs } : {}) });
    if (interrupted) break;
  }
  const trainSeconds = (run.clock() - started) / 1000;
  const train = Object.fromEntries([...epochTotals].map(([tag, total]) => [tag, total.sum / total.count]));
  return { train, batchesDone, examples, trainSeconds, noiseState: noiseRng.state(), stopAsked, interrupted };
}
