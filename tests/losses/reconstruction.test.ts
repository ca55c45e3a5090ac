import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { bceWithLogits, pixelLoss, reconstructionLoss } from "../../src/losses/reconstruction.js";

const logit = (p: number) => Math.log(p / (1 - p));
/** The textbook definitions, written out by hand. */
const bceByHand = (x: number, p: number) => -(x * Math.log(p) + (1 - x) * Math.log(1 - p));

/** Loss of predicting probability `p` for target `x`, through aelab's tensor code. */
function loss(kind: "mse" | "bce" | "l1", x: number, p: number): number {
  return tf.tidy(() => pixelLoss(kind, tf.tensor1d([logit(p)]), tf.tensor1d([x])).dataSync()[0]);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("per-pixel losses", () => {
  it("bce from logits matches the definition", () => {
    for (const [x, p] of [
      [0.8, 0.9],
      [0.8, 0.7],
      [0.3, 0.4],
      [0.3, 0.2],
      [0, 0.01],
      [1, 0.6],
      [0.5, 0.5],
    ]) {
      expect(loss("bce", x, p)).toBeCloseTo(bceByHand(x, p), 5);
    }
  });

  it("mse and l1 act on the sigmoid of the logits", () => {
    expect(loss("mse", 0.8, 0.9)).toBeCloseTo(0.01, 6);
    expect(loss("mse", 0.8, 0.7)).toBeCloseTo(0.01, 6);
    expect(loss("l1", 0.2, 0.45)).toBeCloseTo(0.25, 6);
  });

  it("bce is asymmetric around a non-binary target, mse is not", () => {
    expect(loss("bce", 0.8, 0.9)).toBeGreaterThan(loss("bce", 0.8, 0.7));
    expect(loss("bce", 0.3, 0.4)).toBeLessThan(loss("bce", 0.3, 0.2));
    expect(loss("mse", 0.8, 0.9)).toBeCloseTo(loss("mse", 0.8, 0.7), 6);
  });

  it("near a target of 0.5, bce minus its minimum is about twice the squared error", () => {
    for (const d of [0.01, 0.03, 0.05]) {
      const excess = loss("bce", 0.5, 0.5 + d) - loss("bce", 0.5, 0.5);
      // Exactly -0.5 ln(1 - 4 d^2) = 2 d^2 + 4 d^4 + ...; float32 leaves ~1e-7 absolute error.
      expect(excess / (d * d)).toBeGreaterThan(1.9);
      expect(excess / (d * d)).toBeLessThan(2.1);
      expect(excess / loss("mse", 0.5, 0.5 + d)).toBeCloseTo(2, 1);
    }
  });

  it("bce stays finite and exact for saturated logits", () => {
    const values = tf.tidy(() => Array.from(bceWithLogits(tf.tensor1d([100, -100, 100, -100]), tf.tensor1d([0, 1, 1, 0])).dataSync()));
    expect(values[0]).toBeCloseTo(100, 4);
    expect(values[1]).toBeCloseTo(100, 4);
    expect(values[2]).toBeCloseTo(0, 6);
    expect(values[3]).toBeCloseTo(0, 6);
  });
});

describe("reduction", () => {
  it("sums over pixels and averages over the batch", () => {
    // Two 2x2 single-channel images: predictions 0.5 everywhere; targets all 0 and all 1.
    const value = tf.tidy(() => {
      const logits = tf.zeros([2, 2, 2, 1]);
      const target = tf.concat([tf.zeros([1, 2, 2, 1]), tf.ones([1, 2, 2, 1])]);
      return [reconstructionLoss("mse", logits, target), reconstructionLoss("l1", logits, target), reconstructionLoss("bce", logits, target)].map(
        (t) => t.dataSync()[0],
      );
    });
    expect(value[0]).toBeCloseTo(4 * 0.25, 6);
    expect(value[1]).toBeCloseTo(4 * 0.5, 6);
    expect(value[2]).toBeCloseTo(4 * Math.log(2), 5);
  });
});
