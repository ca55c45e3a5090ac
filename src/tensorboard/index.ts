export { crc32c, maskCrc, maskedCrc32c } from "./crc.js";
export { CorruptRecordError, encodeRecord, readRecords, recordHeader, type RecordsRead } from "./record.js";
export {
  Colorspace,
  DataType,
  TENSORBOARD_PROTO,
  decodeEvent,
  encodeEvent,
  type Event,
  type HistogramProto,
  type PluginData,
  type SummaryImage,
  type SummaryMetadata,
  type SummaryValue,
  type TensorProto,
} from "./proto.js";
export { PAD_VALUE, encodePng, tileGrid, type ImageBatch, type ImageGrid } from "./image-grid.js";
export type { SummaryWriter } from "./summary-writer.js";
export { EventFileWriter, type EventFileWriterOptions } from "./event-writer.js";
export { MemoryWriter, type LoggedImage, type LoggedScalar } from "./memory-writer.js";
export { readEvents, type EventsRead } from "./event-reader.js";
