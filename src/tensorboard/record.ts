import { maskedCrc32c } from "./crc.js";

// TFRecord framing: uint64 LE length | masked crc32c(length bytes) | data | masked crc32c(data).
export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;

export function recordHeader(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`record length must be a non-negative safe integer (got ${length})`);
  }
  const header = Buffer.alloc(HEADER_BYTES);
  // BigInt, not two 32-bit halves by hand: a record over 4 GiB must not silently wrap.
  header.writeBigUInt64LE(BigInt(length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  return header;
}

export function encodeRecord(data: Uint8Array): Buffer {
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([recordHeader(data.length), data, footer]);
}

export class CorruptRecordError extends Error {
  constructor(
    message: string,
    /** Byte offset of the start of the bad record. */
    readonly offset: number,
    /** Index of the bad record; this many records before it were intact. */
    readonly recordIndex: number,
  ) {
    super(message);
    this.name = "CorruptRecordError";
  }
}

export interface RecordsRead {
  records: Buffer[];
  /** The buffer ends inside a record: a writer is mid-flush or died mid-write. */
  truncated: boolean;
  /** Bytes covered by complete records; a reader tailing a live file resumes here. */
  bytesRead: number;
}

/**
 * Splits a TFRecord buffer into payloads, verifying both CRCs of every record.
 * A short tail is reported, not thrown, because it is what a crash or a live writer leaves;
 * a CRC mismatch throws, because TensorBoard would silently drop everything after it.
 */
export function readRecords(buffer: Uint8Array): RecordsRead {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < HEADER_BYTES) return { records, truncated: true, bytesRead: offset };
    const lengthBytes = bytes.subarray(offset, offset + 8);
    const storedHeaderCrc = bytes.readUInt32LE(offset + 8);
    if (maskedCrc32c(lengthBytes) !== storedHeaderCrc) {
      throw new CorruptRecordError(`record ${records.length} at byte ${offset}: length CRC mismatch`, offset, records.length);
    }
    const length = bytes.readBigUInt64LE(offset);
    // A length beyond the buffer is a record still being written (its header CRC is valid).
    if (length > BigInt(remaining - HEADER_BYTES - FOOTER_BYTES)) {
      return { records, truncated: true, bytesRead: offset };
    }
    const start = offset + HEADER_BYTES;
    const end = start + Number(length);
    const data = bytes.subarray(start, end);
    if (maskedCrc32c(data) !== bytes.readUInt32LE(end)) {
      throw new CorruptRecordError(`record ${records.length} at byte ${offset}: data CRC mismatch`, offset, records.length);
    }
    records.push(data);
    offset = end + FOOTER_BYTES;
  }
  return { records, truncated: false, bytesRead: offset };
}
