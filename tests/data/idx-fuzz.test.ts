import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/data/errors.js";
import { parseIdxImages, parseIdxLabels, readIdxImages } from "../../src/data/idx.js";
import { idxImagesBytes, idxLabelsBytes, tempDir } from "./idx-fixtures.js";

const RUNS = { seed: 20261129, numRuns: 2000 };

/** Parses `bytes` as both kinds of IDX file: each either loads or fails with one DataError line. */
function parseBoth(bytes: Uint8Array): void {
  const parsers = [
    () => {
      const images = parseIdxImages(bytes, "fuzz-idx");
      return { count: images.count, perItem: images.height * images.width, data: images.data };
    },
    () => ({ ...parseIdxLabels(bytes, "fuzz-idx"), perItem: 1 }),
  ];
  for (const parse of parsers) {
    try {
      const parsed = parse();
      // What loads is consistent with its header, so nothing downstream reads past the end.
      expect(parsed.data.length).toBe(parsed.count * parsed.perItem);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      expect(error.message).toMatch(/^fuzz-idx: /);
      expect(error.message).not.toContain("\n");
    }
  }
}

const valid = fc.oneof(
  fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4)).map(([count, h, w]) =>
    idxImagesBytes(
      count,
      h,
      w,
      Array.from({ length: count * h * w }, (_, i) => i % 256),
    ),
  ),
  fc.array(fc.nat(9), { maxLength: 20 }).map((labels) => idxLabelsBytes(labels)),
);

/** A valid file with bytes flipped, cut off or appended: what a bad download or a full disk leaves. */
const mutated = fc
  .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.nat(), fc.uint8Array({ maxLength: 8 }))
  .map(([bytes, flips, cut, tail]) => {
    const out = new Uint8Array(bytes);
    for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
    const kept = out.subarray(0, out.length === 0 ? 0 : cut % (out.length + 1));
    return cut % 2 === 0 ? kept : new Uint8Array([...out, ...tail]);
  });

/** A real header whose sizes promise up to 4 G elements each (2^96 in all) over a few bytes of data. */
const hugeHeader = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 60000, 28), { minLength: 3, maxLength: 3 }),
    fc.uint8Array({ maxLength: 16 }),
  )
  .map(([images, sizes, data]) => {
    const header = Buffer.alloc(images ? 16 : 8);
    header.writeUInt32BE(images ? 0x803 : 0x801, 0);
    for (let i = 0; i < (images ? 3 : 1); i++) header.writeUInt32BE(sizes[i]!, 4 + 4 * i);
    return new Uint8Array(Buffer.concat([header, data]));
  });

describe("the IDX reader under random input: loads or fails with one data error line", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => parseBoth(bytes)),
      RUNS,
    );
  });

  it("valid files, mutated", () => {
    fc.assert(
      fc.property(mutated, (bytes) => parseBoth(bytes)),
      RUNS,
    );
  });

  it("huge declared sizes fail without allocating them", () => {
    const before = process.memoryUsage().rss;
    fc.assert(
      fc.property(hugeHeader, (bytes) => parseBoth(bytes)),
      RUNS,
    );
    // Allocating even one declared file (4 GB and up) would show here; the parser only compares sizes.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    expect(() =>
      parseIdxImages(
        idxImagesBytes(0, 0, 0, []).map((b, i) => (i >= 4 ? 0xff : b)),
        "fuzz-idx",
      ),
    ).toThrow(/^fuzz-idx: truncated file: the header promises 4294967295 images of 4294967295x4294967295 pixels, i\.e\. 7\.92\d*e\+28 bytes of data, got 0$/);
  });
});

describe("a gzipped IDX file inflates to no more than its header promises", () => {
  const path = join(tempDir(), "bomb-images-idx3-ubyte.gz");

  it("a header promising more than memory holds is refused before inflating", () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    for (const at of [4, 8, 12]) header.writeUInt32BE(0xffffffff, at);
    writeFileSync(path, gzipSync(Buffer.concat([header, Buffer.alloc(1024)])));
    expect(() => readIdxImages(path)).toThrow(
      new RegExp(`^${path}: the header promises 7\\.92\\d*e\\+28 bytes of data, more than one file can hold in memory`),
    );
  });

  it("a small header over a gzip bomb stops at the promised size", () => {
    // 64 MB of zeros gzip to ~64 KB; the header promises one 2x2 image.
    writeFileSync(path, gzipSync(Buffer.concat([idxImagesBytes(1, 2, 2, [1, 2, 3, 4]), Buffer.alloc(64 * 1024 * 1024)])));
    const before = process.memoryUsage().rss;
    expect(() => readIdxImages(path)).toThrow(new DataError(`${path}: decompresses to more than the 20 bytes its header promises; download the file again`));
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    writeFileSync(path, gzipSync(idxImagesBytes(1, 2, 2, [1, 2, 3, 4])));
    expect(readIdxImages(path).data).toEqual(new Uint8Array([1, 2, 3, 4]));
  });
});
