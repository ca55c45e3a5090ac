import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/data/dataset.js";
import { dataError, tempDir } from "./image-fixtures.js";

const PLANE = 32 * 32;

/** Record `n`'s colour planes as CIFAR stores them: all red values, then all green, then all blue. */
function planes(n: number): Uint8Array {
  return Uint8Array.from({ length: 3 * PLANE }, (_, i) => {
    const [plane, p] = [Math.floor(i / PLANE), i % PLANE];
    return plane === 0 ? (p + n * 7) % 256 : plane === 1 ? (3 * p + n) % 256 : (255 - p - n) & 255;
  });
}

/** What aelab should make of record `n`: the same values interleaved, pixel by pixel (HWC). */
function interleaved(n: number): number[] {
  const stored = planes(n);
  return Array.from({ length: 3 * PLANE }, (_, i) => stored[(i % 3) * PLANE + Math.floor(i / 3)]);
}

/** CIFAR records: label bytes, then planes(id). */
function records(entries: Array<{ labels: number[]; id: number }>): Buffer {
  return Buffer.concat(entries.map(({ labels, id }) => Buffer.concat([Buffer.from(labels), planes(id)])));
}

/** A CIFAR-10 folder: data_batch_k.bin with 2 records each (ids 2k-2, 2k-1), test_batch.bin with 2 (ids 100, 101). */
function cifar10(): string {
  const dir = tempDir();
  for (let k = 1; k <= 5; k++)
    writeFileSync(join(dir, `data_batch_${k}.bin`), records([0, 1].map((j) => ({ labels: [(2 * (k - 1) + j) % 10], id: 2 * (k - 1) + j }))));
  writeFileSync(
    join(dir, "test_batch.bin"),
    records([
      { labels: [9], id: 100 },
      { labels: [4], id: 101 },
    ]),
  );
  return dir;
}

const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

describe("loadDataset on a CIFAR binary folder", () => {
  it("reads CIFAR-10: batches in order, planes interleaved to HWC, class names from batches.meta.txt", async () => {
    const dir = cifar10();
    writeFileSync(join(dir, "batches.meta.txt"), `${CIFAR10_CLASSES.join("\n")}\n\n`);
    const data = await loadDataset(dir, { seed: 0 });
    expect([data.name, data.height, data.width, data.channels, data.labelled]).toEqual(["cifar-10", 32, 32, 3, true]);
    expect(data.classes).toEqual(CIFAR10_CLASSES);
    expect(data.train.count).toBe(10);
    expect(data.test.count).toBe(2);
    expect(Array.from(data.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(data.test.labels)).toEqual([9, 4]);
    const image = (images: ArrayLike<number>, n: number) => Array.from(images as Uint8Array).slice(n * 3 * PLANE, (n + 1) * 3 * PLANE);
    for (let n = 0; n < 10; n++) expect(image(data.train.images, n)).toEqual(interleaved(n));
    expect(image(data.test.images, 0)).toEqual(interleaved(100));
    expect(image(data.test.images, 1)).toEqual(interleaved(101));
    // Pixel (row 1, column 2) of record 0: red, green, blue from the three planes at offset 34.
    expect(Array.from(data.train.images.subarray(3 * 34, 3 * 34 + 3))).toEqual([34, 102, 221]);
  });

  it("reads CIFAR-100's fine labels by default and coarse ones on request, with their names", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "train.bin"),
      records([
        { labels: [3, 71], id: 0 },
        { labels: [19, 5], id: 1 },
        { labels: [0, 99], id: 2 },
      ]),
    );
    writeFileSync(join(dir, "test.bin"), records([{ labels: [7, 42], id: 3 }]));
    const fine = Array.from({ length: 100 }, (_, k) => `fine${k}`);
    const coarse = Array.from({ length: 20 }, (_, k) => `coarse${k}`);
    writeFileSync(join(dir, "fine_label_names.txt"), fine.join("\r\n"));
    writeFileSync(join(dir, "coarse_label_names.txt"), coarse.join("\n"));

    const byFine = await loadDataset(dir, { seed: 0 });
    expect(byFine.name).toBe("cifar-100");
    expect(Array.from(byFine.train.labels)).toEqual([71, 5, 99]);
    expect(Array.from(byFine.test.labels)).toEqual([42]);
    expect(byFine.classes).toEqual(fine);
    expect(Array.from(byFine.test.images)).toEqual(interleaved(3));

    const byCoarse = await loadDataset(dir, { seed: 0, labels: "coarse" });
    expect(Array.from(byCoarse.train.labels)).toEqual([3, 19, 0]);
    expect(Array.from(byCoarse.test.labels)).toEqual([7]);
    expect(byCoarse.classes).toEqual(coarse);
    expect(Array.from(byCoarse.train.images)).toEqual(Array.from(byFine.train.images));
  });

  it("refuses a file that is not a whole number of records, naming it", async () => {
    const dir = cifar10();
    const cut = join(dir, "data_batch_2.bin");
    writeFileSync(cut, records([{ labels: [1], id: 0 }]).subarray(0, 3000));
    await dataError(loadDataset(dir, { seed: 0 }), cut, "3000 bytes", "3073-byte");

    const hundred = tempDir();
    writeFileSync(join(hundred, "train.bin"), Buffer.concat([records([{ labels: [1, 2], id: 0 }]), Buffer.from([1])]));
    writeFileSync(join(hundred, "test.bin"), records([{ labels: [1, 2], id: 0 }]));
    await dataError(loadDataset(hundred, { seed: 0 }), join(hundred, "train.bin"), "3074-byte");
  });

  it("names a missing batch", async () => {
    const dir = cifar10();
    rmSync(join(dir, "data_batch_3.bin"));
    const message = await dataError(loadDataset(dir, { seed: 0 }), join(dir, "data_batch_3.bin"));
    expect(message).not.toContain("data_batch_2.bin,");
  });
});
