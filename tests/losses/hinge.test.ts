import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { detach } from "../../src/losses/adaptive-weight.js";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../../src/losses/gan.js";

const column = (values: number[]) => tf.tensor2d(values, [values.length, 1]);
const read = (t: tf.Scalar) => t.dataSync()[0];

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("hinge GAN loss", () => {
  it("the discriminator: mean relu(1 - D(real)) + mean relu(1 + D(fake)), summed over kinds of fakes", () => {
    const d = tf.tidy(() => read(discriminatorLoss("hinge", column([0.5, 2]), [column([-3, 0.2])])));
    expect(d).toBeCloseTo((0.5 + 0) / 2 + (0 + 1.2) / 2, 6);
    const two = tf.tidy(() => read(discriminatorLoss("hinge", column([0.5, 2]), [column([-3, 0.2]), column([-0.5, -0.5])])));
    expect(two - d).toBeCloseTo(0.5, 6);
  });

  it("the generator: -mean D(fake), and D's verdict is its raw score", () => {
    expect(tf.tidy(() => read(generatorLoss("hinge", column([-3, 0.2]))))).toBeCloseTo(1.4, 6);
    expect(tf.tidy(() => read(meanVerdict("hinge", column([-3, 0.2]))))).toBeCloseTo(-1.4, 6);
  });

  it("refuses label smoothing, which it has no target for", () => {
    expect(() => discriminatorLoss("hinge", column([1]), [column([0])], 0.1)).toThrow(/labelSmoothing/);
  });
});

it("detach gives the same values with no gradient through them", () => {
  const x = tf.scalar(3);
  const g = tf.grad((v: tf.Tensor) => tf.add(tf.mul(v, v), tf.mul(detach(v), v)))(x);
  // d/dv (v^2 + c v) with c = 3 held constant: 2v + c = 9 (not 12).
  expect(g.dataSync()[0]).toBeCloseTo(9, 6);
  const before = tf.memory().numTensors;
  const d = detach(x);
  expect(d.dataSync()[0]).toBe(3);
  d.dispose();
  expect(x.dataSync()[0]).toBe(3);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, g]);
});
