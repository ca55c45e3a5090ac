import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/data/dataset.js";
import { dataError, tempDir } from "./image-fixtures.js";

// The fixtures NumPy wrote (tests/data/arrays/*.test.ts recompute their contents): u8-nhw.npy is
// arange(60) * 7 % 256 as 3x4x5 uint8; u8-nhwc.npy is arange(72) * 5 % 256 as 2x3x4x3; f32.npy is
// (arange(24) - 12) / 10 as 2x3x4 float32; split.npz holds x_train (4x3x3, arange * 11 % 256),
// y_train [3, 1, 0, 2], x_test (2x3x3, arange * 13 % 256) and y_test [1, 2].
const DIR = "tests/fixtures/arrays";
const fixture = (name: string) => join(DIR, name);
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** A .npy file written by hand: version 1.0, C order, the header padded to 64 bytes. */
function writeNpy(path: string, descr: string, shape: number[], data: Uint8Array): string {
  const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const padded = `${header}${" ".repeat(63 - ((10 + header.length) % 64))}\n`;
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(padded, "latin1"), data]));
  return path;
}

/** Both parts' images and labels, whatever the split put where, as sorted "label:pixels" keys. */
function examples(data: { train: { images: ArrayLike<number>; labels: Uint8Array; count: number }; test: typeof data.train }, per: number): string[] {
  const out: string[] = [];
  for (const part of [data.train, data.test])
    for (let n = 0; n < part.count; n++)
      out.push(
        `${part.labels[n]}:${Array.from(part.images)
          .slice(n * per, (n + 1) * per)
          .join(",")}`,
      );
  return out.sort();
}

describe("loadDataset on .npy and .npz files", () => {
  it("reads uint8 N x H x W as one channel, unlabelled, split by the seed", async () => {
    const data = await loadDataset(fixture("u8-nhw.npy"), { seed: 0, testFraction: 1 / 3 });
    expect([data.name, data.height, data.width, data.channels, data.labelled]).toEqual(["u8-nhw", 4, 5, 1, false]);
    expect(data.train.images).toBeInstanceOf(Uint8Array);
    expect([data.train.count, data.test.count]).toEqual([2, 1]);
    expect(Array.from([...data.train.labels, ...data.test.labels])).toEqual([0, 0, 0]);
    const stored = range(60, (i) => (i * 7) % 256);
    expect(examples(data, 20)).toEqual([0, 1, 2].map((n) => `0:${stored.slice(20 * n, 20 * n + 20).join(",")}`).sort());
  });

  it("reads N x H x W x 3 colour as stored, once data.layout settles its ambiguous shape", async () => {
    // [2, 3, 4, 3] could be N x H x W x C or N x C x H x W.
    await dataError(loadDataset(fixture("u8-nhwc.npy"), { seed: 0 }), "u8-nhwc.npy", "nhwc or nchw", "data.layout");
    const data = await loadDataset(fixture("u8-nhwc.npy"), { seed: 0, layout: "nhwc", testFraction: 0.5 });
    expect([data.height, data.width, data.channels]).toEqual([3, 4, 3]);
    const stored = range(72, (i) => (i * 5) % 256);
    expect(examples(data, 36)).toEqual([0, 1].map((n) => `0:${stored.slice(36 * n, 36 * n + 36).join(",")}`).sort());

    const asNchw = await loadDataset(fixture("u8-nhwc.npy"), { seed: 0, layout: "nchw", testFraction: 0.5 });
    expect([asNchw.height, asNchw.width, asNchw.channels]).toEqual([4, 3, 3]);
  });

  it("transposes N x C x H x W to H x W x C", async () => {
    const dir = tempDir();
    // 2 images, 3 channels, 4 rows, 5 columns: value 100c + 10y + x (+ 50 for the second image's red).
    const [count, channels, height, width] = [2, 3, 4, 5];
    const value = (n: number, c: number, y: number, x: number) => (100 * c + 10 * y + x + 50 * n * (c === 0 ? 1 : 0)) % 256;
    const data = new Uint8Array(count * channels * height * width);
    let at = 0;
    for (let n = 0; n < count; n++)
      for (let c = 0; c < channels; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[at++] = value(n, c, y, x);
    const path = writeNpy(join(dir, "nchw.npy"), "|u1", [count, channels, height, width], data);
    const loaded = await loadDataset(path, { seed: 0, testFraction: 0.5 });
    expect([loaded.height, loaded.width, loaded.channels]).toEqual([4, 5, 3]);
    const hwc = (n: number) => {
      const out: number[] = [];
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out.push(value(n, c, y, x));
      return `0:${out.join(",")}`;
    };
    expect(examples(loaded, 60)).toEqual([hwc(0), hwc(1)].sort());
  });

  it.each(["split.npz", "split-compressed.npz"])("reads %s's x_train / x_test as the two parts, with labels", async (name) => {
    const data = await loadDataset(fixture(name), { seed: 0 });
    expect([data.name, data.height, data.width, data.channels, data.labelled]).toEqual([name.replace(".npz", ""), 3, 3, 1, true]);
    expect(Array.from(data.train.images)).toEqual(range(36, (i) => (i * 11) % 256));
    expect(Array.from(data.train.labels)).toEqual([3, 1, 0, 2]);
    expect(Array.from(data.test.images)).toEqual(range(18, (i) => (i * 13) % 256));
    expect(Array.from(data.test.labels)).toEqual([1, 2]);
  });

  it("refuses float pixels outside [0, 1], naming the file", async () => {
    await dataError(loadDataset(fixture("f32.npy"), { seed: 0 }), "f32.npy", "[0, 1]", "from -1.2");
  });

  it("keeps float pixels in [0, 1] as floats", async () => {
    const dir = tempDir();
    const values = Float32Array.from(range(2 * 2 * 3, (i) => i / 11));
    const path = writeNpy(join(dir, "floats.npy"), "<f4", [2, 2, 3], new Uint8Array(values.buffer));
    const data = await loadDataset(path, { seed: 0, testFraction: 0.5 });
    expect(data.train.images).toBeInstanceOf(Float32Array);
    expect(examples(data, 6)).toEqual([0, 1].map((n) => `0:${Array.from(values.subarray(6 * n, 6 * n + 6)).join(",")}`).sort());
  });

  it("refuses an unsupported pixel dtype, naming the file", async () => {
    const dir = tempDir();
    const path = writeNpy(join(dir, "int16.npy"), "<i2", [2, 2, 2], new Uint8Array(16));
    await dataError(loadDataset(path, { seed: 0 }), path, "pixels of dtype <i2 are not supported");
  });

  it("refuses a .npy whose shape is not an images array", async () => {
    const dir = tempDir();
    const path = join(dir, "labels.npy");
    copyFileSync(fixture("i4.npy"), path);
    await dataError(loadDataset(path, { seed: 0 }), path, "shape [5]");
  });
});
