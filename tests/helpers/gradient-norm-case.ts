import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { gradientNorm } from "../../src/train/gradient-norm.js";

/** gradientNorm of [3] and [[0, 4]] is 5 exactly, and five more calls leave no tensor or backend data behind. */
export function expectExactNormWithoutLeaks(): void {
  const ts = [tf.tensor([3]), tf.tensor([[0, 4]])];
  expect(tf.tidy(() => gradientNorm(ts).dataSync()[0])).toBe(5);
  const before = tf.memory().numTensors;
  const dataIds = tf.backend().numDataIds();
  for (let i = 0; i < 5; i++) tf.dispose(tf.tidy(() => gradientNorm(ts)));
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.backend().numDataIds()).toBe(dataIds);
  tf.dispose(ts);
}
