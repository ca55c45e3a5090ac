import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { gaussianKl, gaussianKlPerDimension } from "../../src/losses/kl.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("matches the closed form KL(N(m, s^2) || N(0, 1)) = (s^2 + m^2 - 1 - ln s^2) / 2", () => {
  const byHand = (m: number, s2: number) => 0.5 * (s2 + m * m - 1 - Math.log(s2));
  const [perDim, total] = tf.tidy(() => {
    const mean = tf.tensor2d([
      [0, 1, -2],
      [0.5, 0, 0],
    ]);
    const logVar = tf.log(
      tf.tensor2d([
        [1, 1, 0.25],
        [2, 0.5, 1],
      ]),
    ) as tf.Tensor2D;
    return [gaussianKlPerDimension(mean, logVar).arraySync(), gaussianKl(mean, logVar).dataSync()[0]];
  });
  const expected = [
    [byHand(0, 1), byHand(1, 1), byHand(-2, 0.25)],
    [byHand(0.5, 2), byHand(0, 0.5), byHand(0, 1)],
  ];
  (perDim as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
  const sums = expected.map((row) => row.reduce((a, b) => a + b, 0));
  expect(total).toBeCloseTo((sums[0] + sums[1]) / 2, 5);
  expect(expected[0][0]).toBe(0);
});
