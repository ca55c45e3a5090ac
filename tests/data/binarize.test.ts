import { describe, expect, it } from "vitest";
import { binarize, type BinarizeMode } from "../../src/data/binarize.js";
import { epochData } from "../../src/data/epoch.js";
import { DataError } from "../../src/data/errors.js";
import type { FloatSplit, Pixels } from "../../src/data/split.js";
import { Rng, streamFor } from "../../src/random/rng.js";

/** Byte-for-byte equality; cheaper and clearer than a deep toEqual on 200,000 floats. */
function same(a: Pixels, b: Pixels): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function mean(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** 200,000 pixels: a quarter exactly 0, a few exactly 1, the rest uniform, as in real digits. */
function randomSplit(): FloatSplit {
  const rng = new Rng("binarize-test-data");
  const images = new Float32Array(200_000);
  for (let i = 0; i < images.length; i++) {
    const u = rng.next();
    images[i] = u < 0.25 ? 0 : u > 0.95 ? 1 : rng.next();
  }
  return { images, labels: new Uint8Array(250), count: 250 };
}

describe("binarize", () => {
  it("thresholds exactly: 1 above the threshold, 0 at or below it", () => {
    const images = new Float32Array([0, 0.25, 0.5, 0.5001, 0.9, 1]);
    expect(Array.from(binarize(images, "threshold", new Rng(0)))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(binarize(images, "threshold", new Rng(0), 0.2))).toEqual([0, 1, 1, 1, 1, 1]);
  });

  it("returns the images themselves for none", () => {
    const images = new Float32Array([0.3, 0.7]);
    expect(binarize(images, "none", new Rng(0))).toBe(images);
  });

  it("draws bernoulli pixels whose mean matches the mean intensity", () => {
    const { images } = randomSplit();
    const out = binarize(images, "bernoulli", new Rng(5));
    expect(out.every((v) => v === 0 || v === 1)).toBe(true);
    // Standard error of the mean is about 0.001 here, so 0.005 is a 5-sigma bound.
    expect(Math.abs(mean(out) - mean(images))).toBeLessThan(0.005);
    for (let i = 0; i < images.length; i++) {
      if (images[i] === 0) expect(out[i]).toBe(0);
      if (images[i] === 1) expect(out[i]).toBe(1);
    }
  });

  it("refuses a threshold outside [0, 1] and an unknown mode", () => {
    const images = new Float32Array([0.5]);
    expect(() => binarize(images, "threshold", new Rng(0), 2)).toThrow(DataError);
    expect(() => binarize(images, "sample" as BinarizeMode, new Rng(0))).toThrow(/unknown binarize mode "sample"/);
  });
});

describe("epochData", () => {
  const split = randomSplit();

  it("re-samples bernoulli pixels each epoch, identically for the same seed and epoch", () => {
    const e0 = epochData(split, "bernoulli", 0, 42);
    const e1 = epochData(split, "bernoulli", 1, 42);
    const again0 = epochData(split, "bernoulli", 0, 42);
    const other = epochData(split, "bernoulli", 0, 43);
    expect(same(again0.images, e0.images)).toBe(true);
    expect(same(e1.images, e0.images)).toBe(false);
    expect(same(other.images, e0.images)).toBe(false);
    expect(e0.labels).toBe(split.labels);
    expect(e0.count).toBe(split.count);
  });

  it("gives epoch k the same pixels whether or not earlier epochs ran in this process (resume)", () => {
    const straight = [0, 1, 2, 3].map((epoch) => epochData(split, "bernoulli", epoch, 9).images);
    const resumed = epochData(split, "bernoulli", 3, 9).images;
    expect(same(resumed, straight[3])).toBe(true);
    // Not the same as drawing from one stream that the run keeps consuming.
    expect(same(resumed, binarize(split.images, "bernoulli", streamFor(9, "data/bernoulli")))).toBe(false);
  });

  it("computes threshold once and caches it; none is the split itself", () => {
    const a = epochData(split, "threshold", 0, 1);
    const b = epochData(split, "threshold", 5, 2);
    expect(b.images).toBe(a.images);
    expect(same(a.images, binarize(split.images, "threshold", new Rng(0)))).toBe(true);
    expect(epochData(split, "threshold", 0, 1, 0.3).images).not.toBe(a.images);
    expect(epochData(split, "none", 4, 1)).toBe(split);
  });
});
