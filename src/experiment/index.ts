export { ExperimentError } from "./errors.js";
export { assignment, expandGrid, formatValue, type Cell, type Grid } from "./grid.js";
export { loadExperiment, type Experiment, type ResolvedCell } from "./load.js";
export {
  cellLockPath,
  cellLockState,
  HEARTBEAT_MS,
  holderAlive,
  lockCell,
  LOCKS_DIR,
  STALE_AFTER_MS,
  type CellLock,
  type CellLockHolder,
  type LockTiming,
} from "./lock.js";
export { CELL_JSON, readCellRecord, writeCellRecord, type CellRecord } from "./cell-record.js";
export { configHash } from "./config-hash.js";
export { cellIndex, findCell, parseShard, shardCells, type Shard } from "./select.js";
export { cellStatus, listLines, type CellState, type CellStatus as CellFolderStatus } from "./status.js";
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
export { startExperiment, summaryLines, type ExperimentOptions, type ExperimentOutcome, type ReportWriter, type RunningExperiment } from "./run.js";
export { AELAB_COMMAND, cellArguments, formatDuration, moveAside, runCells, type CellResult, type CellStatus, type RunnerOptions } from "./runner.js";
export { parseExperimentText, readExperimentFile, type Axis, type ExperimentSpec, type Level, type Overrides } from "./spec.js";
export type { ClaimSpec, ComparisonSpec } from "./claims.js";
