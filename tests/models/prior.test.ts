import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { gaussianMixture, standardNormal } from "../../src/models/prior.js";
import { Rng } from "../../src/random/rng.js";
import { seededNoise } from "../../src/train/noise.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("standard normal prior has the configured spread", () => {
  const samples = tf.tidy(() =>
    standardNormal(4, 2)
      .sample(4000, seededNoise(new Rng(1)))
      .arraySync(),
  );
  const values = samples.flat();
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  expect(Math.abs(mean)).toBeLessThan(0.1);
  expect(std).toBeGreaterThan(1.9);
  expect(std).toBeLessThan(2.1);
});

it("mixture prior puts its components on a circle in the first two dimensions, zero elsewhere", () => {
  const samples = tf.tidy(() =>
    gaussianMixture(3, 4, 2, 0.05)
      .sample(2000, seededNoise(new Rng(2)))
      .arraySync(),
  );
  const centres = [
    [2, 0],
    [0, 2],
    [-2, 0],
    [0, -2],
  ];
  const hits = [0, 0, 0, 0];
  for (const [a, b, c] of samples) {
    const k = centres.findIndex(([x, y]) => Math.hypot(a - x, b - y) < 0.3);
    expect(k).toBeGreaterThanOrEqual(0);
    hits[k]++;
    expect(Math.abs(c)).toBeLessThan(0.3);
  }
  // Components are picked uniformly.
  for (const h of hits) expect(h).toBeGreaterThan(400);
});

it("the same noise stream gives the same draws", () => {
  const draw = () =>
    tf.tidy(() =>
      gaussianMixture(2, 10, 2, 0.5)
        .sample(16, seededNoise(new Rng(7)))
        .dataSync()
        .slice(),
    );
  expect(draw()).toEqual(draw());
});
