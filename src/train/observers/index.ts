import type { Progress } from "../progress.js";
import { AdversarialBalanceObserver } from "./adversarial-balance.js";
import { ConvergenceRecord } from "./convergence.js";
import { EarlyStoppingObserver } from "./early-stopping.js";
import { HistogramsObserver } from "./histograms.js";
import { ImagesObserver } from "./images.js";
import type { Observer } from "./observer.js";
import { ProgressObserver } from "./progress.js";

export {
  ADVERSARIAL_WARNING_TAG,
  AdversarialBalanceObserver,
  BALANCE_RULE,
  BalanceWatch,
  type BalanceEpisode,
  type BalancePoint,
  type Imbalance,
} from "./adversarial-balance.js";
export { ConvergenceRecord } from "./convergence.js";
export { EarlyStoppingObserver } from "./early-stopping.js";
export { HistogramsObserver } from "./histograms.js";
export { GRID_COLUMNS, ImagesObserver, imagesDue } from "./images.js";
export { ProgressObserver } from "./progress.js";
export type { EpochEnd, EpochStart, KeptWeights, Observer, ObserverState, StepEnd, TrainContext, TrainEnd, TrainStart, ValidationEnd } from "./observer.js";

/**
 * The observers every run has, in the order they are called (the order of what they log and print):
 * grids before histograms, the epoch's line before early stopping's verdict. The adversarial balance
 * watch comes last, so the state of the others keeps its place in checkpoints.
 */
export function builtInObservers(progress: Progress): Observer[] {
  const earlyStopping = new EarlyStoppingObserver();
  return [
    new ImagesObserver(),
    new HistogramsObserver(),
    new ProgressObserver(progress),
    earlyStopping,
    new ConvergenceRecord(earlyStopping),
    new AdversarialBalanceObserver(),
  ];
}
