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
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
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

export interface RawEvent {
  wall_time: number;
  /** int64 as a decimal string, so no precision is lost in the check; "0" when absent. */
  step: string;
  file_version?: string;
  summary?: {
    value: Array<{
      tag: string;
      metadata: { plugin_data?: { plugin_name: string } } | null; // null when absent
      simple_value?: number;
      image?: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
    }>;
  };
}

export function decodeRawEvent(data: Uint8Array): RawEvent {
  return EventMessage.toObject(EventMessage.decode(data), { longs: String, defaults: true }) as RawEvent;
}
