import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { ScalarAccumulator } from "../../src/train/accumulator.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("averages each name over the steps that produced it (a phase that skips a step does not dilute its mean)", async () => {
  const sums = new ScalarAccumulator();
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    sums.add(new Map([["d/gan", tf.scalar(1)]]));
    sums.add(
      new Map([
        ["d/gan", tf.scalar(3)],
        ["g/recon", tf.scalar(10)],
      ]),
    );
    sums.add(new Map([["d/gan", tf.scalar(5)]]));
  });
  expect(sums.size).toBe(3);
  const { means, counts } = await sums.drain();
  expect(means.get("d/gan")).toBe(3);
  expect(means.get("g/recon")).toBe(10);
  expect(counts.get("g/recon")).toBe(1);
  expect(sums.size).toBe(0);
  expect(tf.memory().numTensors).toBe(before);
});

it("weights values, e.g. by batch size in evaluation", async () => {
  const sums = new ScalarAccumulator();
  tf.tidy(() => {
    sums.add(new Map([["mse", tf.scalar(2)]]), 3);
    sums.add(new Map([["mse", tf.scalar(6)]]), 1);
  });
  expect((await sums.drain()).means.get("mse")).toBe(3);
});

it("sums a name that arrives with different company across steps, and numbers beside tensors", async () => {
  const sums = new ScalarAccumulator();
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    sums.add(
      new Map<string, tf.Scalar | number>([
        ["g/recon", tf.scalar(2)],
        ["grad_norm/g", 0.5],
      ]),
    );
    sums.add(
      new Map<string, tf.Scalar | number>([
        ["d/gan", tf.scalar(4)],
        ["g/recon", tf.scalar(6)],
        ["grad_norm/g", 1.5],
      ]),
    );
    sums.add(new Map<string, tf.Scalar | number>([["g/recon", tf.scalar(10)]]));
  });
  // Two running vectors (one per set of names) and nothing else outlives the steps' tidy.
  expect(tf.memory().numTensors).toBe(before + 2);
  const { means, counts } = await sums.drain();
  expect(means.get("g/recon")).toBe(6);
  expect(means.get("d/gan")).toBe(4);
  expect(means.get("grad_norm/g")).toBe(1);
  expect(counts.get("grad_norm/g")).toBe(2);
  expect([...means.keys()]).toEqual(["g/recon", "grad_norm/g", "d/gan"]);
  expect(tf.memory().numTensors).toBe(before);
});

it("adds each name's values in float32, as one running scalar per name would", async () => {
  const values = [0.1, 0.2, 0.3, 1e-8, 7.7];
  const sums = new ScalarAccumulator();
  tf.tidy(() => {
    for (const v of values)
      sums.add(
        new Map([
          ["a", tf.scalar(v)],
          ["b", tf.scalar(2 * v)],
        ]),
      );
  });
  let a = Math.fround(0);
  for (const v of values) a = Math.fround(a + Math.fround(v));
  expect((await sums.drain()).means.get("a")).toBe(a / values.length);
});
