import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { ScalarAccumulator } from "../../src/train/accumulator.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("averages each name over the steps that produced it (a phase that skips a step does not dilute its mean)", () => {
  const sums = new ScalarAccumulator();
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    sums.add(new Map([["d/gan", tf.scalar(1)]]));
    sums.add(new Map([["d/gan", tf.scalar(3)], ["g/recon", tf.scalar(10)]]));
    sums.add(new Map([["d/gan", tf.scalar(5)]]));
  });
  expect(sums.size).toBe(3);
  const { means, counts } = sums.drain();
  expect(means.get("d/gan")).toBe(3);
  expect(means.get("g/recon")).toBe(10);
  expect(counts.get("g/recon")).toBe(1);
  expect(sums.size).toBe(0);
  expect(tf.memory().numTensors).toBe(before);
});

it("weights values, e.g. by batch size in evaluation", () => {
  const sums = new ScalarAccumulator();
  tf.tidy(() => {
    sums.add(new Map([["mse", tf.scalar(2)]]), 3);
    sums.add(new Map([["mse", tf.scalar(6)]]), 1);
  });
  expect(sums.drain().means.get("mse")).toBe(3);
});
