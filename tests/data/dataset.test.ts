import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/dataset.js";
import { DataError } from "../../src/data/errors.js";
import { idxLabelsBytes, tempDir, writeFolder } from "./idx-fixtures.js";

const FASHION = "/usr/share/datasets/fashion-mnist";

async function dataError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  const message = (error as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  return message;
}

describe("loadDataset on an IDX folder", () => {
  it("loads all of Fashion-MNIST as floats in [0, 1] in a few seconds", async () => {
    const started = performance.now();
    const data = await loadDataset(FASHION, { seed: 0 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`full Fashion-MNIST loaded in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(10);
    expect([data.name, data.height, data.width, data.channels]).toEqual(["fashion-mnist", 28, 28, 1]);
    expect([data.train.count, data.test.count]).toEqual([60000, 10000]);
    expect(data.train.images.length).toBe(60000 * 784);
    expect(data.test.images.length).toBe(10000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    // 76,247 is the byte sum of the first train image (checked with Python), so /255 was applied.
    const sum = data.train.images.subarray(0, 784).reduce((s, v) => s + v, 0);
    expect(sum * 255).toBeCloseTo(76247, 1);
    expect(data.train.labels[0]).toBe(9);
  });

  it("takes limits as a prefix of the files' order", async () => {
    const data = await loadDataset(FASHION, { seed: 0, trainLimit: 1000, testLimit: 10 });
    expect([data.train.count, data.train.images.length, data.train.labels.length]).toEqual([1000, 784000, 1000]);
    expect([data.test.count, data.test.images.length]).toEqual([10, 7840]);
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(data.test.labels.subarray(0, 4))).toEqual([9, 2, 1, 1]);
  });

  it.each([false, true])("reads a folder of tiny files (gzip %s) value for value", async (gzip) => {
    const dir = writeFolder({ train: { count: 5 }, test: { count: 3 }, gzip });
    const data = await loadDataset(dir, { seed: 0 });
    expect([data.name, data.source, data.height, data.width, data.channels]).toEqual(["tiny-set", dir, 3, 2, 1]);
    expect(data.train.count).toBe(5);
    expect(Array.from(data.train.images)).toEqual(Array.from({ length: 30 }, (_, i) => Math.fround(i / 255)));
    expect(Array.from(data.test.images)).toEqual(Array.from({ length: 18 }, (_, i) => Math.fround((255 - i) / 255)));
    expect(Array.from(data.train.labels)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(data.test.labels)).toEqual([0, 1, 2]);
  });

  it("names each missing file and the folder", async () => {
    const dir = writeFolder({ train: { count: 2 }, test: { count: 2 }, gzip: true, omit: ["t10k-labels-idx1-ubyte"] });
    const message = await dataError(loadDataset(dir, { seed: 0 }));
    expect(message).toContain(dir);
    expect(message).toContain("missing t10k-labels-idx1-ubyte[.gz]");
    expect(message).not.toContain("train-images");
  });

  it("names both files and both counts when images and labels disagree", async () => {
    const dir = writeFolder({ train: { count: 4, labels: 3 }, test: { count: 2 } });
    const message = await dataError(loadDataset(dir, { seed: 0 }));
    expect(message).toContain(`${join(dir, "train-images-idx3-ubyte")} holds 4 images`);
    expect(message).toContain(`${join(dir, "train-labels-idx1-ubyte")} holds 3 labels`);
  });

  it("refuses train and test images of different sizes", async () => {
    const dir = writeFolder({ train: { count: 2 }, test: { count: 2, height: 4, width: 4 } });
    const message = await dataError(loadDataset(dir, { seed: 0 }));
    expect(message).toContain("3x2");
    expect(message).toContain("4x4");
    expect(message).toContain(join(dir, "t10k-images-idx3-ubyte"));
  });

  it("passes the reader's error through, naming the damaged file", async () => {
    const dir = writeFolder({ train: { count: 2 }, test: { count: 2 } });
    writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idxLabelsBytes([1, 2]));
    const message = await dataError(loadDataset(dir, { seed: 0 }));
    expect(message).toContain(join(dir, "t10k-images-idx3-ubyte"));
    expect(message).toContain("expected magic number 0x00000803");
  });

  it("explains a source that is neither mnist nor a folder", async () => {
    const missing = join(tempDir(), "no-such-folder");
    const message = await dataError(loadDataset(missing, { seed: 0 }));
    expect(message).toContain(missing);
    expect(message).toContain('"mnist"');
  });

  it.each([
    [{ trainLimit: 0 }, "trainLimit"],
    [{ testLimit: 2.5 }, "testLimit"],
  ])("rejects bad options %o", async (extra, key) => {
    const dir = writeFolder({ train: { count: 2 }, test: { count: 2 } });
    expect(await dataError(loadDataset(dir, { seed: 0, ...extra }))).toContain(key);
  });
});
