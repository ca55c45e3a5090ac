import type { Progress } from "../progress.js";
import { ConvergenceRecord } from "./convergence.js";
import { EarlyStoppingObserver } from "./early-stopping.js";
import { HistogramsObserver } from "./histograms.js";
import { ImagesObserver } from "./images.js";
import type { Observer } from "./observer.js";
import { ProgressObserver } from "./progress.js";

export { ConvergenceRecord } from "./convergence.js";
export { EarlyStoppingObserver } from "./early-stopping.js";
export { HistogramsObserver } from "./histograms.js";
export { GRID_COLUMNS, ImagesObserver, imagesDue } from "./images.js";
export { ProgressObserver } from "./progress.js";
export type { EpochEnd, EpochStart, KeptWeights, Observer, ObserverState, StepEnd, TrainContext, TrainEnd, TrainStart, ValidationEnd } from "./observer.js";

/**
 * The observers every run has, in the order they are called (the order of what they log and print):
 * grids before histograms, the epoch's line before early stopping's verdict.
 */
export function builtInObservers(progress: Progress): Observer[] {
  const earlyStopping = new EarlyStoppingObserver();
  return [new ImagesObserver(), new HistogramsObserver(), new ProgressObserver(progress), earlyStopping, new ConvergenceRecord(earlyStopping)];
}
