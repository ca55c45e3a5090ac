export { crc32c, maskCrc, maskedCrc32c } from "./crc.js";
export { CorruptRecordError, encodeRecord, readRecords, recordHeader, type RecordsRead } from "./record.js";
export {
  Colorspace,
  DataType,
  DatasetType,
  HParamDataType,
  SessionStatusCode,
  TENSORBOARD_PROTO,
  HPARAMS_PROTO,
  STRUCT_PROTO,
  decodeEvent,
  decodeHparamsPluginData,
  encodeEvent,
  encodeHparamsPluginData,
  type Event,
  type Experiment,
  type HParamInfo,
  type HParamsPluginData,
  type HistogramProto,
  type MetricInfo,
  type PluginData,
  type ProtoValue,
  type SessionEndInfo,
  type SessionStartInfo,
  type SummaryImage,
  type SummaryMetadata,
  type SummaryValue,
  type TensorProto,
} from "./proto.js";
export { PAD_VALUE, encodePng, tileGrid, type ImageBatch, type ImageGrid } from "./image-grid.js";
export { DEFAULT_BUCKETS, MAX_BUCKETS, histogramProto, type HistogramOptions } from "./histogram.js";
export {
  EXPERIMENT_FILE,
  SESSION_STATUS_CODES,
  writeHparamsExperiment,
  type ExperimentSpec,
  type HparamDomain,
  type HparamSpec,
  type HparamType,
  type HparamValue,
  type HparamsSession,
  type MetricSpec,
  type SessionStatus,
} from "./hparams.js";
export { HPARAMS_TAGS, StepGuard } from "./summary-values.js";
export type { SummaryWriter } from "./summary-writer.js";
export { EventFileWriter, type EventFileWriterOptions } from "./event-writer.js";
export {
  MemoryWriter,
  type LoggedHistogram,
  type LoggedHparams,
  type LoggedImage,
  type LoggedScalar,
  type LoggedText,
} from "./memory-writer.js";
export { readEvents, type EventsRead } from "./event-reader.js";
export { flushAllSync, installExitFlush, openWriterCount, type SyncFlushResult } from "./exit-flush.js";
export {
  LogdirError,
  formatLogdirSummary,
  lastStepsOf,
  readEventsFile,
  shellQuote,
  summarizeLogdir,
  type EventsFile,
  type FileProblem,
  type RunSummary,
  type SummaryKind,
  type TagSummary,
} from "./summarize.js";
export { readRunScalars, type Curve, type RunScalars } from "./scalars.js";
export { relativeDifference, scalarAgreement, type ScalarAgreement } from "./scalar-agreement.js";
