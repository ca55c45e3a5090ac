import { describe, expect, it } from "vitest";
import { loadDataset, type Pixels } from "../../src/data/index.js";
import { gatherSplit, validationIndices } from "../../src/data/validation-split.js";

function counts(labels: Uint8Array, indices: Uint32Array): number[] {
  const out = new Array<number>(10).fill(0);
  for (const i of indices) out[labels[i]]++;
  return out;
}

describe("validationIndices", () => {
  it("holds out a stratified share of the training split, disjoint from what trains and from the test split", async () => {
    const data = await loadDataset("mnist", { seed: 5, trainLimit: 600, testLimit: 100 });
    const { train, validation } = validationIndices(data.train.labels, 0.2, 5);
    expect(train.length + validation.length).toBe(600);
    const trained = new Set(train);
    expect(validation.some((i) => trained.has(i))).toBe(false);
    // Per class, round(n_c * 0.2) held out: the same class mix as the training split.
    const all = counts(
      data.train.labels,
      Uint32Array.from({ length: 600 }, (_, i) => i),
    );
    expect(counts(data.train.labels, validation)).toEqual(all.map((n) => Math.round(n * 0.2)));

    // No validation image is a test image: compared pixel for pixel.
    const perImage = 28 * 28;
    const key = (images: Pixels, i: number) => Buffer.from(images.buffer, images.byteOffset + i * perImage * 4, perImage * 4).toString("base64");
    const testImages = new Set(Array.from({ length: data.test.count }, (_, i) => key(data.test.images, i)));
    const held = gatherSplit(data.train, validation);
    expect(held.count).toBe(validation.length);
    expect(Array.from({ length: held.count }, (_, i) => key(held.images, i)).filter((k) => testImages.has(k))).toEqual([]);
    expect(Array.from(held.labels)).toEqual(Array.from(validation, (i) => data.train.labels[i]));
  });

  it("is the same for the same seed and differs for another", () => {
    const labels = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 10);
    const a = validationIndices(labels, 0.1, 1);
    expect(validationIndices(labels, 0.1, 1)).toEqual(a);
    expect(Array.from(validationIndices(labels, 0.1, 2).validation)).not.toEqual(Array.from(a.validation));
    expect(a.validation).toHaveLength(30);
  });

  it("refuses a share that leaves nothing to validate or to train", () => {
    expect(() => validationIndices(Uint8Array.of(0, 1, 2), 0.1, 1)).toThrow(/leaves 3 to train and 0 to validate/);
    expect(() => validationIndices(Uint8Array.of(0, 1, 2), 0, 1)).toThrow(/between 0 and 1/);
  });
});
