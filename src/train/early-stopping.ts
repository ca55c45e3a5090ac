import type { RunConfig } from "../config/schema.js";

export type EarlyStoppingSpec = NonNullable<RunConfig["train"]["earlyStopping"]>;

/**
 * Where early stopping stands after some epochs; plain JSON, so a checkpoint carries it and a resumed
 * run stops at the same epoch as an uninterrupted one.
 */
export interface EarlyStoppingState {
  /** The lowest monitored value so far (null before the first judged epoch). */
  best: number | null;
  bestEpoch: number | null;
  /** Judged epochs since the last improvement. */
  wait: number;
  /** The epoch after which patience ran out; null while training goes on. */
  stoppedEpoch: number | null;
}

export const initialEarlyStopping: EarlyStoppingState = { best: null, bestEpoch: null, wait: 0, stoppedEpoch: null };

export interface EarlyStoppingDecision {
  state: EarlyStoppingState;
  /** This epoch set a new best (its weights are the ones to keep). */
  improved: boolean;
  /** Patience ran out with this epoch: train no further. */
  stop: boolean;
}

/**
 * The stopping rule of Keras' and Lightning's EarlyStopping (mode "min"), as a pure function of one
 * epoch's monitored value. An epoch improves if `value < best - minDelta - minRelativeDelta * |best|` (the first judged epoch always
 * does); otherwise the wait grows, and reaching `patience` stops training. Epochs up to startFromEpoch
 * are not judged at all.
 */
export function observeEpoch(
  spec: Pick<EarlyStoppingSpec, "patience" | "minDelta" | "minRelativeDelta" | "startFromEpoch">,
  state: EarlyStoppingState,
  epoch: number,
  value: number,
): EarlyStoppingDecision {
  if (state.stoppedEpoch !== null) throw new Error(`early stopping already stopped this run after epoch ${state.stoppedEpoch}`);
  if (epoch <= spec.startFromEpoch) return { state, improved: false, stop: false };
  if (state.best === null || value < state.best - spec.minDelta - spec.minRelativeDelta * Math.abs(state.best)) {
    return { state: { best: value, bestEpoch: epoch, wait: 0, stoppedEpoch: null }, improved: true, stop: false };
  }
  const wait = state.wait + 1;
  const stop = wait >= spec.patience;
  return { state: { ...state, wait, stoppedEpoch: stop ? epoch : null }, improved: false, stop };
}

/** The monitored tag: the one configured, or the first phase's total loss (what ae and vae descend). */
export function monitorTag(spec: Pick<EarlyStoppingSpec, "monitor">, firstPhase: string): string {
  return spec.monitor ?? `validation/${firstPhase}/loss`;
}

/** What run.json says about how a run with early stopping ended; the experiment report reads it. */
export interface Convergence {
  monitor: string;
  patience: number;
  minDelta: number;
  minRelativeDelta: number;
  startFromEpoch: number;
  restoreBestWeights: boolean;
  /** The epoch with the lowest monitored value, and that value. */
  bestEpoch: number | null;
  best: number | null;
  /** Epochs trained in all (across resumes). */
  epochsRun: number;
  /** The cap, train.epochs. */
  maxEpochs: number;
  /** true: stopped because the monitored value stopped improving; false: hit the cap (or not finished). */
  converged: boolean;
  stoppedEpoch: number | null;
  /** Whose weights the final checkpoint holds: bestEpoch's when they were restored, else the last epoch's. */
  weightsEpoch: number;
  /**
   * Test-split scalars of those weights (the same numbers as that epoch's test entry, plus test nll/bpd
   * where the run estimates them); absent for an interrupted run.
   */
  test?: Record<string, number>;
}
