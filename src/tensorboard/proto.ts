import protobuf from "protobufjs";

// A subset of tensorboard/compat/proto/{event,summary,histogram,tensor,tensor_shape,types}.proto,
// field numbers and nesting copied from those files. Fields aelab never writes (graph_def,
// audio, resource/variant tensors, ...) are left out; readers drop them as unknown fields.
export const TENSORBOARD_PROTO = `
syntax = "proto3";
package tensorboard;

enum DataType {
  DT_INVALID = 0;
  DT_FLOAT = 1;
  DT_DOUBLE = 2;
  DT_INT32 = 3;
  DT_UINT8 = 4;
  DT_INT16 = 5;
  DT_INT8 = 6;
  DT_STRING = 7;
  DT_COMPLEX64 = 8;
  DT_INT64 = 9;
  DT_BOOL = 10;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated float scomplex_val = 9 [packed = true];
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated double dcomplex_val = 12 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
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

enum DataClass {
  DATA_CLASS_UNKNOWN = 0;
  DATA_CLASS_SCALAR = 1;
  DATA_CLASS_TENSOR = 2;
  DATA_CLASS_BLOB_SEQUENCE = 3;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  DataClass data_class = 4;
}

message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
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

// google/protobuf/struct.proto, the parts the hparams plugin uses (Struct only for completeness of
// Value's oneof). protobufjs parses one package per text, so each file gets its own string.
export const STRUCT_PROTO = `
syntax = "proto3";
package google.protobuf;

enum NullValue {
  NULL_VALUE = 0;
}

message Struct {
  map<string, Value> fields = 1;
}

message Value {
  oneof kind {
    NullValue null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}

message ListValue {
  repeated Value values = 1;
}
`;

// tensorboard/plugins/hparams/{api,plugin_data}.proto: the messages a writer needs, with their
// field numbers (including the ones aelab leaves empty, so a reader sees every field TensorBoard
// may write). The request/response messages of the HTTP API are left out.
export const HPARAMS_PROTO = `
syntax = "proto3";
package tensorboard.hparams;

enum DataType {
  DATA_TYPE_UNSET = 0;
  DATA_TYPE_STRING = 1;
  DATA_TYPE_BOOL = 2;
  DATA_TYPE_FLOAT64 = 3;
}

enum DatasetType {
  DATASET_UNKNOWN = 0;
  DATASET_TRAINING = 1;
  DATASET_VALIDATION = 2;
}

enum Status {
  STATUS_UNKNOWN = 0;
  STATUS_SUCCESS = 1;
  STATUS_FAILURE = 2;
  STATUS_RUNNING = 3;
}

message Interval {
  double min_value = 1;
  double max_value = 2;
}

message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  DataType type = 4;
  oneof domain {
    google.protobuf.ListValue domain_discrete = 5;
    Interval domain_interval = 6;
  }
}

message MetricName {
  string group = 1;
  string tag = 2;
}

message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  DatasetType dataset_type = 5;
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

message SessionEndInfo {
  Status status = 1;
  double end_time_secs = 2;
}

message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
`;

const root = protobuf.parse(TENSORBOARD_PROTO).root;
protobuf.parse(STRUCT_PROTO, root);
protobuf.parse(HPARAMS_PROTO, root);
export const EventType = root.lookupType("tensorboard.Event");
export const HParamsPluginDataType = root.lookupType("tensorboard.hparams.HParamsPluginData");

export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_STRING: 7, DT_INT64: 9, DT_BOOL: 10 } as const;

/** Summary.Image colorspace values aelab writes (summary.proto lists 1 to 6). */
export const Colorspace = { GREY: 1, RGB: 3, RGBA: 4 } as const;

// Field names are protobufjs' camelCase forms of the .proto names (wall_time -> wallTime).
export interface PluginData {
  pluginName: string;
  content?: Uint8Array;
}

export interface SummaryMetadata {
  pluginData?: PluginData;
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}

export interface SummaryImage {
  height: number;
  width: number;
  colorspace: number;
  encodedImageString: Uint8Array;
}

export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edges of the buckets. */
  bucketLimit: number[];
  bucket: number[];
}

export interface TensorProto {
  dtype: number;
  tensorShape?: { dim?: Array<{ size: number; name?: string }>; unknownRank?: boolean };
  versionNumber?: number;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
}

export interface SummaryValue {
  tag: string;
  metadata?: SummaryMetadata;
  simpleValue?: number;
  image?: SummaryImage;
  histo?: HistogramProto;
  tensor?: TensorProto;
}

/** google.protobuf.Value, as far as hparams use it: exactly one field set. */
export type ProtoValue = { numberValue: number } | { stringValue: string } | { boolValue: boolean };

export interface HParamInfo {
  name: string;
  displayName?: string;
  description?: string;
  /** HParamDataType */
  type: number;
  domainDiscrete?: { values: ProtoValue[] };
  domainInterval?: { minValue: number; maxValue: number };
}

export interface MetricInfo {
  name: { group?: string; tag: string };
  displayName?: string;
  description?: string;
  /** DatasetType */
  datasetType?: number;
}

export interface Experiment {
  name?: string;
  description?: string;
  user?: string;
  timeCreatedSecs?: number;
  hparamInfos?: HParamInfo[];
  metricInfos?: MetricInfo[];
}

export interface SessionStartInfo {
  hparams?: Record<string, ProtoValue>;
  modelUri?: string;
  monitorUrl?: string;
  groupName?: string;
  startTimeSecs?: number;
}

export interface SessionEndInfo {
  /** SessionStatusCode */
  status?: number;
  endTimeSecs?: number;
}

export interface HParamsPluginData {
  version?: number;
  experiment?: Experiment;
  sessionStartInfo?: SessionStartInfo;
  sessionEndInfo?: SessionEndInfo;
}

/** api.proto's DataType (named apart from the tensor DataType above). */
export const HParamDataType = { STRING: 1, BOOL: 2, FLOAT64: 3 } as const;
/** api.proto's DatasetType. */
export const DatasetType = { TRAINING: 1, VALIDATION: 2 } as const;
/** api.proto's Status; TensorBoard has no "aborted". */
export const SessionStatusCode = { UNKNOWN: 0, SUCCESS: 1, FAILURE: 2, RUNNING: 3 } as const;

export interface Event {
  /** Seconds since the epoch, not milliseconds. */
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: SummaryValue[] };
}

export function encodeEvent(event: Event): Uint8Array {
  // encode() trusts its input; a wrong type here would write a record TensorBoard skips silently.
  const problem = EventType.verify(event);
  if (problem) throw new TypeError(`invalid tensorboard Event: ${problem}`);
  return EventType.encode(event).finish();
}

export function decodeEvent(bytes: Uint8Array): Event {
  const message = EventType.decode(bytes);
  // Not `defaults: true`: it sets every absent sub-message to null, not undefined. Steps are
  // written from safe integers, so Number loses nothing for aelab's own files.
  const event = EventType.toObject(message, { longs: Number, arrays: true }) as Event;
  event.wallTime ??= 0;
  event.step ??= 0; // proto3 leaves a zero step off the wire
  for (const value of event.summary?.value ?? []) value.tag ??= "";
  return event;
}

export function encodeHparamsPluginData(data: HParamsPluginData): Uint8Array {
  const problem = HParamsPluginDataType.verify(data);
  if (problem) throw new TypeError(`invalid HParamsPluginData: ${problem}`);
  return HParamsPluginDataType.encode(data).finish();
}

export function decodeHparamsPluginData(bytes: Uint8Array): HParamsPluginData {
  const message = HParamsPluginDataType.decode(bytes);
  return HParamsPluginDataType.toObject(message, { longs: Number, arrays: true, objects: true }) as HParamsPluginData;
}
