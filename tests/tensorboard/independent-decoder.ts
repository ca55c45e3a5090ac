// An events-file decoder that shares no code with src/tensorboard: its own CRC-32C table, its
// own framing parser over a DataView and its own schema text, copied from TensorBoard's
// compat/proto files with snake_case names kept. Tests check the writer against this.
import protobuf from "protobufjs";

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function oracleCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function oracleMask(crc: number): number {
  // Done in BigInt so the test's arithmetic cannot share a 32-bit overflow bug with src.
  const c = BigInt(crc);
  const rotated = ((c >> 15n) | (c << 17n)) & 0xffffffffn;
  return Number((rotated + 0xa282ead8n) % 2n ** 32n);
}

export interface FramedRecord {
  offset: number;
  length: number;
  data: Uint8Array;
  storedLengthCrc: number;
  storedDataCrc: number;
  expectedLengthCrc: number;
  expectedDataCrc: number;
}

/** Parses TFRecord framing; throws if the buffer does not end exactly at a record boundary. */
export function parseFraming(buffer: Uint8Array): FramedRecord[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const records: FramedRecord[] = [];
  let offset = 0;
  while (offset < buffer.byteLength) {
    const length = Number(view.getBigUint64(offset, true));
    const end = offset + 12 + length + 4;
    if (end > buffer.byteLength) throw new Error(`record at ${offset} runs past the end`);
    const data = buffer.subarray(offset + 12, offset + 12 + length);
    records.push({
      offset,
      length,
      data,
      storedLengthCrc: view.getUint32(offset + 8, true),
      storedDataCrc: view.getUint32(offset + 12 + length, true),
      expectedLengthCrc: oracleMask(oracleCrc32c(buffer.subarray(offset, offset + 8))),
      expectedDataCrc: oracleMask(oracleCrc32c(data)),
    });
    offset = end;
  }
  return records;
}

const SCHEMA = `
syntax = "proto3";
package tensorboard;
message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated bytes string_val = 8;
}
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}
message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Value {
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      Image image = 4;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
`;

const EventMessage = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType("tensorboard.Event");

export interface RawTensor {
  dtype: number;
  tensor_shape: { dim: Array<{ size: string; name: string }>; unknown_rank: boolean } | null;
  version_number: number;
  tensor_content: Uint8Array;
  float_val: number[];
  double_val: number[];
  string_val: Uint8Array[];
}

export interface RawHistogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}

export interface RawEvent {
  wall_time: number;
  /** int64 as a decimal string, so no precision is lost in the check; "0" when absent. */
  step: string;
  file_version?: string;
  summary?: {
    value: Array<{
      tag: string;
      metadata: {
        plugin_data: { plugin_name: string; content: Uint8Array } | null;
        display_name: string;
        summary_description: string;
        data_class: number;
      } | null; // null when absent
      simple_value?: number;
      image?: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
      histo?: RawHistogram;
      tensor?: RawTensor;
    }>;
  };
}

export function decodeRawEvent(data: Uint8Array): RawEvent {
  return EventMessage.toObject(EventMessage.decode(data), { longs: String, defaults: true }) as RawEvent;
}

// google/protobuf/struct.proto and tensorboard/plugins/hparams/{api,plugin_data}.proto, written
// out again here (field numbers from those files), enums as plain int32 so the tests compare numbers.
const STRUCT_SCHEMA = `
syntax = "proto3";
package google.protobuf;
message Struct { map<string, Value> fields = 1; }
message Value {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}
message ListValue { repeated Value values = 1; }
`;

const HPARAMS_SCHEMA = `
syntax = "proto3";
package tensorboard.hparams;
message Interval { double min_value = 1; double max_value = 2; }
message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  int32 type = 4;
  oneof domain {
    google.protobuf.ListValue domain_discrete = 5;
    Interval domain_interval = 6;
  }
}
message MetricName { string group = 1; string tag = 2; }
message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  int32 dataset_type = 5;
}
message Experiment {
  string name = 6;
  string description = 1;
  string user = 2;
  double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4;
  repeated MetricInfo metric_infos = 5;
}
message SessionStartInfo {
  map<string, google.protobuf.Value> hparams = 1;
  string model_uri = 2;
  string monitor_url = 3;
  string group_name = 4;
  double start_time_secs = 5;
}
message SessionEndInfo { int32 status = 1; double end_time_secs = 2; }
message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
`;

const hparamsRoot = protobuf.parse(STRUCT_SCHEMA, { keepCase: true }).root;
protobuf.parse(HPARAMS_SCHEMA, hparamsRoot, { keepCase: true });
const HParamsMessage = hparamsRoot.lookupType("tensorboard.hparams.HParamsPluginData");

export type RawProtoValue = { number_value: number } | { string_value: string } | { bool_value: boolean };

export interface RawHParamsPluginData {
  version: number;
  /** Which member of the `data` oneof is set. */
  data?: "experiment" | "session_start_info" | "session_end_info";
  experiment?: {
    name: string;
    description: string;
    user: string;
    time_created_secs: number;
    hparam_infos: Array<{
      name: string;
      display_name: string;
      description: string;
      type: number;
      domain?: "domain_discrete" | "domain_interval";
      domain_discrete?: { values: RawProtoValue[] };
      domain_interval?: { min_value: number; max_value: number };
    }>;
    metric_infos: Array<{ name: { group: string; tag: string }; display_name: string; description: string; dataset_type: number }>;
  };
  session_start_info?: {
    hparams: Record<string, RawProtoValue & { kind: string }>;
    model_uri: string;
    monitor_url: string;
    group_name: string;
    start_time_secs: number;
  };
  session_end_info?: { status: number; end_time_secs: number };
}

export function decodeRawHparams(content: Uint8Array): RawHParamsPluginData {
  // defaults: true fills absent scalars; oneofs: true names the member set, so an unset oneof
  // (as opposed to one set to its zero value) shows.
  return HParamsMessage.toObject(HParamsMessage.decode(content), { defaults: true, oneofs: true, longs: String }) as RawHParamsPluginData;
}

// tensorboard/plugins/custom_scalar/layout.proto, written out again here (field numbers and nesting from
// that file), for the Custom Scalars layout a DT_STRING tensor carries.
const LAYOUT_SCHEMA = `
syntax = "proto3";
package tensorboard;
message Chart {
  string title = 1;
  oneof content {
    MultilineChartContent multiline = 2;
    MarginChartContent margin = 3;
  }
}
message MultilineChartContent { repeated string tag = 1; }
message MarginChartContent {
  message Series { string value = 1; string lower = 2; string upper = 3; }
  repeated Series series = 1;
}
message Category { string title = 1; repeated Chart chart = 2; bool closed = 3; }
message Layout { int32 version = 1; repeated Category category = 2; }
`;

const LayoutMessage = protobuf.parse(LAYOUT_SCHEMA, { keepCase: true }).root.lookupType("tensorboard.Layout");

export interface RawLayout {
  version: number;
  category: Array<{
    title: string;
    closed: boolean;
    chart: Array<{
      title: string;
      /** Which member of the `content` oneof is set. */
      content?: "multiline" | "margin";
      multiline?: { tag: string[] };
      margin?: { series: Array<{ value: string; lower: string; upper: string }> };
    }>;
  }>;
}

export function decodeRawLayout(bytes: Uint8Array): RawLayout {
  return LayoutMessage.toObject(LayoutMessage.decode(bytes), { defaults: true, oneofs: true }) as RawLayout;
}
