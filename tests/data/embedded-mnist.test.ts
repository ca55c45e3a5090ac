import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/dataset.js";
import { loadEmbeddedDigits } from "../../src/data/embedded-mnist.js";
import { DataError } from "../../src/data/errors.js";
import type { Pixels, Split } from "../../src/data/split.js";

const PIXELS = 784;

function imageKey(split: { images: Pixels }, i: number): string {
  const image = split.images.subarray(i * PIXELS, (i + 1) * PIXELS);
  return Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString("base64");
}

/** Byte-for-byte equality; vitest's deep toEqual takes seconds on millions of floats. */
function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function classCounts(split: Split): number[] {
  const counts = new Array(10).fill(0);
  for (const l of split.labels) counts[l]++;
  return counts;
}

describe("the embedded mnist dataset", () => {
  it("splits the package's 10,000 digits into disjoint train and test parts", async () => {
    const all = await loadEmbeddedDigits();
    expect(all.count).toBe(10000);
    const data = await loadDataset("mnist", { seed: 7 });
    expect([data.name, data.source, data.height, data.width, data.channels]).toEqual(["mnist", "mnist", 28, 28, 1]);
    expect(data.train.count + data.test.count).toBe(10000);
    expect(data.test.count).toBe(1666);

    // The split is a partition of the package's digits (as a multiset, since a digit may repeat).
    const remaining = new Map<string, number>();
    for (let i = 0; i < all.count; i++) {
      const key = `${all.labels[i]}:${imageKey(all, i)}`;
      remaining.set(key, (remaining.get(key) ?? 0) + 1);
    }
    for (const part of [data.train, data.test]) {
      for (let i = 0; i < part.count; i++) {
        const key = `${part.labels[i]}:${imageKey(part, i)}`;
        const left = remaining.get(key) ?? 0;
        expect(left, `digit ${i} of a part is not in the package, or is used twice`).toBeGreaterThan(0);
        remaining.set(key, left - 1);
      }
    }
    expect([...remaining.values()].every((n) => n === 0)).toBe(true);
  });

  it("keeps each class's share in test (stratified) and has values in [0, 1]", async () => {
    const data = await loadDataset("mnist", { seed: 7 });
    const perClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    expect(classCounts(data.test)).toEqual(perClass.map((n) => Math.round(n / 6)));
    expect(classCounts(data.train)).toEqual(perClass.map((n) => n - Math.round(n / 6)));
    for (const part of [data.train, data.test]) {
      expect(part.images.length).toBe(part.count * PIXELS);
      expect(part.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // Shuffled after the split, so a small prefix already mixes classes.
    expect(new Set(data.train.labels.subarray(0, 50)).size).toBeGreaterThanOrEqual(8);
  });

  it("gives the same split for the same seed and a different one for another seed", async () => {
    const a = await loadDataset("mnist", { seed: 1 });
    const b = await loadDataset("mnist", { seed: 1 });
    const c = await loadDataset("mnist", { seed: 2 });
    expect(same(b.train.images, a.train.images)).toBe(true);
    expect(same(b.train.labels, a.train.labels)).toBe(true);
    expect(same(b.test.images, a.test.images)).toBe(true);
    expect(same(c.train.labels, a.train.labels)).toBe(false);
    expect(imageKey(c.test, 0)).not.toBe(imageKey(a.test, 0));
  });

  it("does not change the split when trainLimit or testLimit changes; limits take a prefix", async () => {
    const full = await loadDataset("mnist", { seed: 3 });
    const limited = await loadDataset("mnist", { seed: 3, trainLimit: 100 });
    expect(limited.train.count).toBe(100);
    expect(same(limited.train.images, full.train.images.subarray(0, 100 * PIXELS))).toBe(true);
    expect(same(limited.train.labels, full.train.labels.subarray(0, 100))).toBe(true);
    expect(same(limited.test.images, full.test.images)).toBe(true);
    const both = await loadDataset("mnist", { seed: 3, trainLimit: 20000, testLimit: 5 });
    expect(both.train.count).toBe(full.train.count);
    expect(both.test.labels).toEqual(full.test.labels.subarray(0, 5));
  });

  it("honours testFraction and rejects one outside (0, 1)", async () => {
    const data = await loadDataset("mnist", { seed: 3, testFraction: 0.5 });
    expect(Math.abs(data.test.count - 5000)).toBeLessThanOrEqual(5);
    await expect(loadDataset("mnist", { seed: 3, testFraction: 1 })).rejects.toThrow(DataError);
    await expect(loadDataset("mnist", { seed: 3, testFraction: 0 })).rejects.toThrow(/testFraction/);
  });
});
