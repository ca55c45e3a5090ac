import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { perceptualDistance } from "../../src/losses/perceptual.js";

describe("perceptualDistance", () => {
  it("compares channel-normalised activations, summed over channels, positions and layers, averaged over the batch", () => {
    // One position, two channels: (3, 4) -> (0.6, 0.8) and (4, 3) -> (0.8, 0.6): (0.2^2 + 0.2^2) = 0.08.
    const a = tf.tensor4d([3, 4, 1, 0], [2, 1, 1, 2]);
    const b = tf.tensor4d([4, 3, 0, 2], [2, 1, 1, 2]);
    // Second example: (1, 0) against (0, 1): 1 + 1 = 2. Mean over the batch: (0.08 + 2) / 2.
    expect(perceptualDistance([a], [b]).arraySync()).toBeCloseTo(1.04, 6);
    // A second layer adds its own sum; scale does not matter after normalisation.
    const c = tf.tensor4d([6, 8, 5, 0, 0, 0, 0, 0], [2, 2, 1, 2]);
    const d = tf.tensor4d([6, 8, 0, 7, 0, 0, 0, 0], [2, 2, 1, 2]);
    // Layer 2: example 1 positions: (0.6, 0.8) vs (0.6, 0.8) = 0, (1, 0) vs (0, 1) = 2; example 2: zeros = 0. Mean 1.
    expect(perceptualDistance([a, c], [b, d]).arraySync()).toBeCloseTo(2.04, 6);
    expect(perceptualDistance([a, c], [a, c]).arraySync()).toBe(0);
    tf.dispose([a, b, c, d]);
  });

  it("has a finite gradient where every channel is 0 (ReLU outputs often are)", () => {
    const target = tf.tensor4d([0.5, 0.5], [1, 1, 1, 2]);
    const grad = tf.grad((x: tf.Tensor) => perceptualDistance([x as tf.Tensor4D], [target]))(tf.zeros([1, 1, 1, 2]));
    for (const g of grad.dataSync()) expect(Number.isFinite(g)).toBe(true);
  });

  it("refuses layers that do not pair up, in one line", () => {
    const a = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    const b = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    expect(() => perceptualDistance([a], [])).toThrow(/1 output layers but 0 target layers/);
    expect(() => perceptualDistance([a], [b])).toThrow(/layer 0 is \[1, 2, 2, 3\] for the outputs but \[1, 2, 2, 4\] for the targets/);
  });
});
