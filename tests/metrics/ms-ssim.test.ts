import { describe, expect, it } from "vitest";
import { MS_SSIM_WEIGHTS, msSsim, msSsimScales, ssim, type ImageSet } from "../../src/metrics/index.js";
import { checkerboard, constant, makeSet, uniform } from "./images.js";

const C1 = 0.01 ** 2;

function noisy(x: ImageSet, amplitude: number, seed: number): ImageSet {
  const u = uniform(seed);
  return { ...x, pixels: x.pixels.map((v) => Math.min(1, Math.max(0, v + amplitude * (2 * u() - 1)))) };
}

describe("msSsimScales", () => {
  it("counts the halvings (odd sides rounded up) whose both sides hold the 11-pixel window, at most 5", () => {
    expect(msSsimScales(28, 28)).toBe(2); // 28, 14 (7 is too small)
    expect(msSsimScales(32, 32)).toBe(2); // 32, 16
    expect(msSsimScales(64, 64)).toBe(3); // 64, 32, 16
    expect(msSsimScales(45, 61)).toBe(3); // 45x61, 23x31, 12x16
    expect(msSsimScales(160, 160)).toBe(4); // ..., 20, 10
    expect(msSsimScales(175, 200)).toBe(5); // 175, 88, 44, 22, 11
    expect(msSsimScales(11, 11)).toBe(1);
    expect(msSsimScales(10, 40)).toBe(0);
  });
});

describe("msSsim", () => {
  it("is 1 for identical images, and records the scales and renormalised weights used", () => {
    const x = noisy(checkerboard(28, 4), 0.3, 1);
    const r = msSsim(x, x);
    expect(r.value).toBeCloseTo(1, 12);
    expect(r.scales).toBe(2);
    const sum = MS_SSIM_WEIGHTS[0] + MS_SSIM_WEIGHTS[1];
    expect(r.weights[0]).toBeCloseTo(MS_SSIM_WEIGHTS[0] / sum, 15);
    expect(r.weights[1]).toBeCloseTo(MS_SSIM_WEIGHTS[1] / sum, 15);
    expect(
      msSsim(
        makeSet(1, 176, 176, (_, r, c) => ((r * c) % 7) / 7),
        makeSet(1, 176, 176, (_, r, c) => ((r * c) % 7) / 7),
      ).weights,
    ).toEqual([...MS_SSIM_WEIGHTS]);
  });

  it("two flat images: contrast-structure 1 at every scale, so only the last scale's luminance, to its weight", () => {
    const [a, b] = [0.5, 0.25];
    const r = msSsim(constant(2, 28, 28, a, 3), constant(2, 28, 28, b, 3));
    const luminance = (2 * a * b + C1) / (a * a + b * b + C1);
    expect(r.value).toBeCloseTo(luminance ** r.weights[1], 12);
  });

  it("with one scale it is SSIM, negative SSIM set to 0 (as tf.image.ssim_multiscale and pytorch_msssim)", () => {
    const u = uniform(3);
    const x = makeSet(1, 16, 14, () => u());
    const y = noisy(x, 0.2, 4);
    expect(msSsim(y, x)).toEqual({ value: expect.closeTo(ssim(y, x), 12), scales: 1, weights: [1] });
    const inverted = { ...x, pixels: x.pixels.map((v) => 1 - v) };
    expect(ssim(inverted, x)).toBeLessThan(0);
    expect(msSsim(inverted, x).value).toBe(0);
  });

  it("falls as noise grows, and averages over images and channels", () => {
    const x = makeSet(2, 32, 32, (n, r, c, ch) => (Math.floor(r / (4 + n)) + Math.floor(c / 4) + ch) % 2, 3);
    const scores = [0.05, 0.1, 0.2, 0.4].map((amplitude) => msSsim(noisy(x, amplitude, 11), x).value);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
    const one = (n: number, ch: number) => {
      const pick = (s: ImageSet) => makeSet(1, 32, 32, (_, r, c) => s.pixels[((n * 32 + r) * 32 + c) * 3 + ch]);
      return msSsim(pick(noisy(x, 0.2, 11)), pick(x)).value;
    };
    const mean = [0, 1].flatMap((n) => [0, 1, 2].map((ch) => one(n, ch))).reduce((s, v) => s + v, 0) / 6;
    expect(scores[2]).toBeCloseTo(mean, 12);
  });

  it("needs images of at least 11x11 and outputs shaped like their targets", () => {
    expect(() => msSsim(constant(1, 10, 28, 0), constant(1, 10, 28, 0))).toThrow("msSsim: images must be at least 11x11 (got 10x28)");
    expect(() => msSsim(constant(1, 12, 12, 0), constant(2, 12, 12, 0))).toThrow(
      "msSsim: outputs (1x12x12x1) and targets (2x12x12x1) must have the same shape",
    );
  });
});
