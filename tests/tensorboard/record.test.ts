import { describe, expect, it } from "vitest";
import { CorruptRecordError, encodeRecord, readRecords, recordHeader } from "../../src/tensorboard/record.js";
import { oracleCrc32c, oracleMask } from "./independent-decoder.js";

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

describe("encodeRecord", () => {
  it("frames a known payload byte by byte", () => {
    const payload = new TextEncoder().encode("hello");
    const lengthBytes = [5, 0, 0, 0, 0, 0, 0, 0];
    const expected = [
      ...lengthBytes,
      ...le32(oracleMask(oracleCrc32c(Uint8Array.from(lengthBytes)))),
      0x68,
      0x65,
      0x6c,
      0x6c,
      0x6f,
      ...le32(oracleMask(oracleCrc32c(payload))),
    ];
    expect([...encodeRecord(payload)]).toEqual(expected);
  });

  it("frames an empty payload as 16 bytes", () => {
    const record = encodeRecord(new Uint8Array(0));
    expect(record.length).toBe(16);
    expect([...record.subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(record.readUInt32LE(12)).toBe(oracleMask(0)); // crc32c of nothing is 0
  });

  it("writes lengths above 2^32 as a full little-endian uint64", () => {
    const header = recordHeader(2 ** 32 + 5);
    expect([...header.subarray(0, 8)]).toEqual([5, 0, 0, 0, 1, 0, 0, 0]);
    expect(header.readUInt32LE(8)).toBe(oracleMask(oracleCrc32c(header.subarray(0, 8))));
    expect([...recordHeader(2 ** 53 - 1).subarray(0, 8)]).toEqual([255, 255, 255, 255, 255, 255, 31, 0]);
  });

  it("rejects lengths that are not safe integers", () => {
    expect(() => recordHeader(-1)).toThrow(RangeError);
    expect(() => recordHeader(2 ** 53)).toThrow(RangeError);
  });
});

describe("readRecords", () => {
  it("round-trips several records", () => {
    const payloads = ["a", "", "xyz"].map((s) => new TextEncoder().encode(s));
    const file = Buffer.concat(payloads.map((p) => encodeRecord(p)));
    const read = readRecords(file);
    expect(read.truncated).toBe(false);
    expect(read.bytesRead).toBe(file.length);
    expect(read.records.map((r) => Buffer.from(r).toString())).toEqual(["a", "", "xyz"]);
  });

  it("reports a header claiming more than 4 GiB as truncated, not as an error", () => {
    const file = Buffer.concat([recordHeader(2 ** 32 + 5), Buffer.alloc(100)]);
    expect(readRecords(file)).toEqual({ records: [], truncated: true, bytesRead: 0 });
  });

  it("throws CorruptRecordError with the record's offset and index", () => {
    const first = encodeRecord(Buffer.from("first"));
    const second = encodeRecord(Buffer.from("second"));
    const file = Buffer.concat([first, second]);
    file[first.length + 13] ^= 0x01;
    try {
      readRecords(file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).offset).toBe(first.length);
      expect((error as CorruptRecordError).recordIndex).toBe(1);
      expect((error as Error).message).toMatch(/data CRC/);
    }
  });
});
