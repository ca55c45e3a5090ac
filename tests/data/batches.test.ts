import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { batches, identityOrder } from "../../src/data/batches.js";
import { DataError } from "../../src/data/errors.js";
import type { Split } from "../../src/data/split.js";
import { Rng } from "../../src/random/rng.js";

const shape = { height: 2, width: 3, channels: 2 };
const PER_IMAGE = 12;

/** Image i holds i + k/100 in pixel k, so any gathered pixel tells which image it came from. */
function split(count: number): Split {
  const images = new Float32Array(count * PER_IMAGE);
  for (let i = 0; i < count; i++) for (let k = 0; k < PER_IMAGE; k++) images[i * PER_IMAGE + k] = i + k / 100;
  const labels = new Uint8Array(count).map((_, i) => (i * 7) % 256);
  return { images, labels, count };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("batches", () => {
  it("visits every index exactly once in the given order, last batch partial, shapes right", () => {
    const data = split(10);
    const order = new Rng(11).permutation(10);
    const baseline = tf.memory().numTensors;
    const seen: number[] = [];
    const sizes: number[] = [];
    const indices: number[] = [];
    for (const batch of batches(data, 4, order, shape)) {
      expect(batch.x.shape).toEqual([batch.labels.length, 2, 3, 2]);
      const values = batch.x.dataSync();
      for (let i = 0; i < batch.labels.length; i++) {
        const image = Math.round(values[i * PER_IMAGE]);
        expect(values[i * PER_IMAGE + 11]).toBeCloseTo(image + 0.11, 5);
        expect(batch.labels[i]).toBe(data.labels[image]);
        seen.push(image);
      }
      sizes.push(batch.labels.length);
      indices.push(batch.index);
      batch.x.dispose();
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(indices).toEqual([0, 1, 2]);
    expect(seen).toEqual(Array.from(order));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("drops the last partial batch when asked", () => {
    const sizes = [...batches(split(10), 4, identityOrder(10), shape, { dropLast: true })].map((b) => {
      b.x.dispose();
      return b.labels.length;
    });
    expect(sizes).toEqual([4, 4]);
    const exact = [...batches(split(8), 4, identityOrder(8), shape, { dropLast: true })];
    exact.forEach((b) => b.x.dispose());
    expect(exact.map((b) => b.labels.length)).toEqual([4, 4]);
  });

  it("creates no tensor for batches never reached", () => {
    const baseline = tf.memory().numTensors;
    for (const batch of batches(split(10), 3, identityOrder(10), shape)) {
      batch.x.dispose();
      break;
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("rejects a bad batch size, a wrong shape and an index beyond the split", () => {
    const data = split(4);
    expect(() => [...batches(data, 0, identityOrder(4), shape)]).toThrow(DataError);
    expect(() => [...batches(data, 2, identityOrder(4), { height: 28, width: 28, channels: 1 })]).toThrow(/28x28x1/);
    const baseline = tf.memory().numTensors;
    expect(() => {
      for (const b of batches(data, 2, new Uint32Array([0, 9]), shape)) b.x.dispose();
    }).toThrow(/index 9/);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
