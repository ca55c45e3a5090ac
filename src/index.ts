/**
 * aelab as a library: `import { train, registerLikelihood, type Observer } from "aelab"`.
 *
 * - train(config, { observers, logdir | writer }) runs one run, as `aelab train` does.
 * - An Observer hooks into the loop (onTrainStart, onEpochStart, onStepEnd, onValidationEnd, onEpochEnd,
 *   onTrainEnd; ctx.requestStop() ends training; `state` rides in the checkpoint). examples/custom-observer.ts.
 * - registerLikelihood(name, { nllPerExample }) makes `model.recon: <name>` a valid config for every
 *   variant that trains on a likelihood. examples/custom-likelihood.ts.
 * - registerMetric({ name, ... }) adds a metric that experiment files' comparisons can name (metric: <name>).
 * - Variants are built by name from the config (buildVariant); metrics are pure functions (`metrics`).
 */

// Training
export { train, type TrainOptions, type Trained } from "./train/train.js";
export { trainLoop, NonFiniteLossError, type LoopOptions, type EpochSummary, type TrainResult } from "./train/loop.js";
export { loadRunDataset, runTraining, RunError, type RunOptions, type RunOutcome } from "./train/run.js";
export type { Evaluation } from "./train/evaluate.js";
export type { Convergence } from "./train/early-stopping.js";
export { LineProgress, progressFor, silentProgress, type Progress } from "./train/progress.js";

// Observers
export {
  ConvergenceRecord,
  EarlyStoppingObserver,
  HistogramsObserver,
  ImagesObserver,
  ProgressObserver,
  builtInObservers,
  type EpochEnd,
  type EpochStart,
  type KeptWeights,
  type Observer,
  type ObserverState,
  type StepEnd,
  type TrainContext,
  type TrainEnd,
  type TrainStart,
  type ValidationEnd,
} from "./train/observers/index.js";

// Config
export { ConfigError, loadConfig, runConfigSchema, validateConfig, type RunConfig } from "./config/index.js";

// Likelihoods
export {
  BUILT_IN_LIKELIHOODS,
  buildLikelihood,
  reconNames,
  registerLikelihood,
  registeredLikelihood,
  type Likelihood,
  type LikelihoodDefinition,
} from "./losses/likelihoods/index.js";
export { sumPerExample } from "./losses/reconstruction.js";

// Variants
export { buildVariant, type LossTerm, type Noise, type Phase, type PhaseResult, type Prior, type StepContext, type Variant } from "./models/index.js";

// Metrics: pure functions of images and codes, and the registry experiment files name metrics from
export * as metrics from "./metrics/index.js";
export { registerCheck, registerMetric, comparedMetricNames, type AnalyticCheck, type ComparedMetric } from "./metrics/registry.js";

// Data, backend, TensorBoard
export { loadDataset, type Dataset, type Split } from "./data/index.js";
export { selectBackend, type BackendInfo, type BackendRequest } from "./backend/index.js";
export { EventFileWriter, MemoryWriter, type ImageBatch, type SummaryWriter } from "./tensorboard/index.js";
