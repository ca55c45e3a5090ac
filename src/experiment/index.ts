export { ExperimentError } from "./errors.js";
export { assignment, expandGrid, formatValue, type Cell, type Grid } from "./grid.js";
export { loadExperiment, type Experiment, type ResolvedCell } from "./load.js";
export { lockExperiment, LOCK_FILE } from "./lock.js";
export { describeExperiment } from "./describe.js";
export { describeAction, firstDifference, planCell, planExperiment, refuseConflicts, type CellAction, type CellPlan } from "./plan.js";
export {
  EXPERIMENT_JSON,
  experimentRecord,
  hparamsColumns,
  readExperimentRecord,
  writeExperimentHparams,
  writeExperimentRecord,
  type ExperimentRecord,
} from "./record.js";
export { startExperiment, summaryLines, type ExperimentOptions, type ExperimentOutcome, type RunningExperiment } from "./run.js";
export { AELAB_COMMAND, cellArguments, formatDuration, moveAside, runCells, type CellResult, type CellStatus, type RunnerOptions } from "./runner.js";
export { parseExperimentText, readExperimentFile, type Axis, type ExperimentSpec, type Level, type Overrides } from "./spec.js";
