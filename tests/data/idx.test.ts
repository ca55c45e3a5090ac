import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { expectDataError } from "../helpers/data-error.js";
import { readIdxImages, readIdxLabels } from "../../src/data/idx.js";
import { idxImagesBytes, idxLabelsBytes, tempDir } from "./idx-fixtures.js";

describe("readIdx round trip", () => {
  const pixels = Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
  const labels = [7, 0, 255];

  it.each([
    ["uncompressed", false, "images-idx3-ubyte"],
    ["gzipped", true, "images-idx3-ubyte.gz"],
    // Gzip is found by its magic bytes, so the name does not matter.
    ["gzipped without .gz in the name", true, "images-idx3-ubyte"],
  ])("%s files give back exactly the bytes written", (_, gzip, name) => {
    const dir = tempDir();
    const imagesPath = join(dir, name);
    const labelsPath = join(dir, `labels-${name}`);
    const imageBytes = idxImagesBytes(3, 2, 4, pixels);
    const labelBytes = idxLabelsBytes(labels);
    writeFileSync(imagesPath, gzip ? gzipSync(imageBytes) : imageBytes);
    writeFileSync(labelsPath, gzip ? gzipSync(labelBytes) : labelBytes);

    const images = readIdxImages(imagesPath);
    expect([images.count, images.height, images.width]).toEqual([3, 2, 4]);
    expect(images.data).toEqual(new Uint8Array(pixels));
    const read = readIdxLabels(labelsPath);
    expect(read.count).toBe(3);
    expect(read.data).toEqual(new Uint8Array(labels));
  });
});

describe("readIdx on damaged files", () => {
  const good = idxImagesBytes(2, 2, 2, [1, 2, 3, 4, 5, 6, 7, 8]);

  it("names the file and both magic numbers when images have the wrong magic", () => {
    const path = join(tempDir(), "train-images-idx3-ubyte");
    writeFileSync(path, idxLabelsBytes([1, 2]));
    expectDataError(() => readIdxImages(path), path, "expected magic number 0x00000803", "got 0x00000801");
  });

  it("names the file and both magic numbers when labels have the wrong magic", () => {
    const path = join(tempDir(), "train-labels-idx1-ubyte");
    writeFileSync(path, good);
    expectDataError(() => readIdxLabels(path), path, "expected magic number 0x00000801", "got 0x00000803");
  });

  it("says how many pixel bytes were expected and found in a truncated file", () => {
    const path = join(tempDir(), "t10k-images-idx3-ubyte");
    writeFileSync(path, good.subarray(0, good.length - 3));
    expectDataError(() => readIdxImages(path), path, "truncated", "8 bytes", "got 5");
  });

  it("reports a file cut inside its header as truncated", () => {
    const path = join(tempDir(), "t10k-labels-idx1-ubyte");
    writeFileSync(path, idxLabelsBytes([1, 2, 3]).subarray(0, 6));
    expectDataError(() => readIdxLabels(path), path, "truncated", "needs 8 bytes, got 6");
  });

  it("rejects a gzip stream cut short as corrupt gzip", () => {
    const path = join(tempDir(), "train-images-idx3-ubyte.gz");
    const gz = gzipSync(
      idxImagesBytes(
        50,
        28,
        28,
        new Array(50 * 784).fill(9).map((v, i) => (v * i) % 256),
      ),
    );
    writeFileSync(path, gz.subarray(0, gz.length / 2));
    expectDataError(() => readIdxImages(path), path, "corrupt gzip");
  });

  it("reads garbage named .gz as IDX and says it is neither gzip nor IDX", () => {
    const path = join(tempDir(), "train-images-idx3-ubyte.gz");
    writeFileSync(path, Buffer.from("this is not a gzip file, just some text"));
    expectDataError(() => readIdxImages(path), path, "expected magic number 0x00000803", "not gzip");
  });

  it("names a missing file", () => {
    const path = join(tempDir(), "t10k-labels-idx1-ubyte.gz");
    expectDataError(() => readIdxLabels(path), path, "not found");
  });
});
