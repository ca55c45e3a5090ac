import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataError } from "../helpers/data-error.js";
import { loadDataset } from "../../src/data/dataset.js";
import { idxLabelsBytes, tempDir, writeFolder } from "./idx-fixtures.js";

describe("loadDataset on an IDX folder", () => {
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
