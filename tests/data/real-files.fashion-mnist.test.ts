import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/dataset.js";
import { unitFloats } from "../../src/data/split.js";
import { readIdxImages, readIdxLabels } from "../../src/data/idx.js";

// Debian's dataset-fashion-mnist (npm run test:fashion-mnist; .ci/run installs it).
const FASHION = "/usr/share/datasets/fashion-mnist";

describe("readIdx on the real Fashion-MNIST files", () => {
  it("finds Debian's Fashion-MNIST (apt install fashion-mnist, or point FASHION at a copy)", () => {
    expect(existsSync(join(FASHION, "train-images-idx3-ubyte.gz"))).toBe(true);
  });

  it("reads 60,000 train images of 28x28 and their labels, 6,000 per class", () => {
    const images = readIdxImages(join(FASHION, "train-images-idx3-ubyte.gz"));
    const labels = readIdxLabels(join(FASHION, "train-labels-idx1-ubyte.gz"));
    expect([images.count, images.height, images.width]).toEqual([60000, 28, 28]);
    expect(images.data.length).toBe(60000 * 28 * 28);
    expect(labels.count).toBe(60000);
    const perClass = new Array(10).fill(0);
    for (const l of labels.data) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(6000));
    // Checked independently with Python's gzip module: label 9 is "Ankle boot"; the first image's
    // pixels sum to 76,247 and reach 255.
    expect(labels.data[0]).toBe(9);
    const first = images.data.subarray(0, 784);
    expect(first.reduce((s, v) => s + v, 0)).toBe(76247);
    expect(Math.max(...first)).toBe(255);
  });

  it("reads the 10,000 test images and labels, 1,000 per class", () => {
    const images = readIdxImages(join(FASHION, "t10k-images-idx3-ubyte.gz"));
    const labels = readIdxLabels(join(FASHION, "t10k-labels-idx1-ubyte.gz"));
    expect([images.count, images.height, images.width, labels.count]).toEqual([10000, 28, 28, 10000]);
    expect(Array.from(labels.data.subarray(0, 4))).toEqual([9, 2, 1, 1]);
    expect(images.data.subarray(0, 784).reduce((s, v) => s + v, 0)).toBe(33456);
    const perClass = new Array(10).fill(0);
    for (const l of labels.data) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(1000));
  });
});

describe("loadDataset on the real Fashion-MNIST folder", () => {
  it("loads all of Fashion-MNIST as floats in [0, 1]", async () => {
    const data = await loadDataset(FASHION, { seed: 0 });
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
    const sum = unitFloats(data.train.images, 0, 784).reduce((s, v) => s + v, 0);
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
});
