import type { Convergence } from "./early-stopping.js";

/** One epoch as run.json records it. */
export interface EpochSummary {
  epoch: number;
  step: number;
  train: Record<string, number>;
  /** Validation-split means, the same scalars as `test` (absent without a validation split). */
  validation?: Record<string, number>;
  test: Record<string, number>;
  activeUnits: number;
  trainSeconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  /** Test-split losses of the untrained networks (step 0); empty for a resumed run. */
  initialTest: Record<string, number>;
  /** Validation-split losses of the untrained networks; empty for a resumed run or without a validation split. */
  initialValidation: Record<string, number>;
  epochs: EpochSummary[];
  steps: number;
  /** Interrupted (Ctrl-C), not finished: the run can be resumed. */
  stopped: boolean;
  /** How early stopping ended (or left) the run; absent without train.earlyStopping. */
  convergence?: Convergence;
}
