import type { EarlyStoppingObserver } from "./early-stopping.js";
import type { Observer, TrainContext, TrainEnd } from "./observer.js";

/** How early stopping ended (or left) the run, as TrainResult.convergence (and so run.json) records it. */
export class ConvergenceRecord implements Observer {
  readonly name = "convergence";
  constructor(private readonly earlyStopping: EarlyStoppingObserver) {}

  onTrainEnd({ result, epochsRun, test }: TrainEnd, ctx: TrainContext): void {
    const applied = this.earlyStopping.applied;
    if (!applied) return;
    const { spec, monitor, startFromEpoch } = applied;
    const stopping = this.earlyStopping.stopping;
    const maxEpochs = ctx.config.train.epochs;
    // The loop restores the kept weights exactly when a run that keeps them ends, stopped early or at the cap.
    const restored =
      this.earlyStopping.keepsBest && stopping.bestEpoch !== null && !result.stopped && (stopping.stoppedEpoch !== null || epochsRun >= maxEpochs);
    result.convergence = {
      monitor,
      patience: spec.patience,
      minDelta: spec.minDelta,
      minRelativeDelta: spec.minRelativeDelta,
      startFromEpoch,
      restoreBestWeights: spec.restoreBestWeights,
      bestEpoch: stopping.bestEpoch,
      best: stopping.best,
      epochsRun,
      maxEpochs,
      converged: stopping.stoppedEpoch !== null,
      stoppedEpoch: stopping.stoppedEpoch,
      weightsEpoch: restored ? stopping.bestEpoch! : epochsRun,
      ...(test ? { test } : {}),
    };
  }
}
