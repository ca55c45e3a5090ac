import { describe, expect, it } from "vitest";
import { ssim, type ImageSet } from "../../src/metrics/index.js";
import { at, checkerboard, constant, makeSet, uniform } from "./images.js";

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** The 11x11 window written out in 2-D, independently of the implementation's separable 1-D one. */
function window2d(): number[][] {
  const w = Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * 1.5 ** 2))));
  const sum = w.flat().reduce((s, v) => s + v, 0);
  return w.map((row) => row.map((v) => v / sum));
}

/** Brute force: the SSIM formula evaluated window by window, as in Wang et al.'s MATLAB ssim_index. */
function referenceSsim(y: ImageSet, x: ImageSet): number {
  const w = window2d();
  let total = 0;
  let cells = 0;
  for (let n = 0; n < x.count; n++)
    for (let ch = 0; ch < x.channels; ch++)
      for (let r = 0; r + 11 <= x.height; r++)
        for (let c = 0; c + 11 <= x.width; c++) {
          let mx = 0,
            my = 0,
            xx = 0,
            yy = 0,
            xy = 0;
          for (let i = 0; i < 11; i++)
            for (let j = 0; j < 11; j++) {
              const a = at(x, n, r + i, c + j, ch);
              const b = at(y, n, r + i, c + j, ch);
              mx += w[i][j] * a;
              my += w[i][j] * b;
              xx += w[i][j] * a * a;
              yy += w[i][j] * b * b;
              xy += w[i][j] * a * b;
            }
          const vx = xx - mx * mx;
          const vy = yy - my * my;
          const cov = xy - mx * my;
          total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
          cells++;
        }
  return total / cells;
}

function noisy(x: ImageSet, amplitude: number, seed: number): ImageSet {
  const u = uniform(seed);
  return { ...x, pixels: x.pixels.map((v) => Math.min(1, Math.max(0, v + amplitude * (2 * u() - 1)))) };
}

describe("ssim", () => {
  it("is 1 for identical images", () => {
    const x = noisy(checkerboard(28, 4), 0.3, 1);
    expect(ssim(x, x)).toBeCloseTo(1, 12);
  });

  it("two flat images a and b: only the luminance term, (2ab + C1) / (a^2 + b^2 + C1)", () => {
    const a = 0.5;
    const b = 0.25;
    expect(ssim(constant(1, 12, 12, a), constant(1, 12, 12, b))).toBeCloseTo((2 * a * b + C1) / (a * a + b * b + C1), 10);
  });

  it("a brightness shift keeps the structure term at 1: one 11x11 window gives the luminance term of the weighted means", () => {
    const u = uniform(7);
    const x = makeSet(1, 11, 11, () => 0.7 * u());
    const y = { ...x, pixels: x.pixels.map((v) => v + 0.25) };
    const w = window2d();
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 11; i++)
      for (let j = 0; j < 11; j++) {
        mx += w[i][j] * at(x, 0, i, j);
        my += w[i][j] * at(y, 0, i, j);
      }
    expect(ssim(y, x)).toBeCloseTo((2 * mx * my + C1) / (mx * mx + my * my + C1), 6);
    expect(ssim(y, x)).toBeLessThan(1);
  });

  it("matches a window-by-window reference on several images and channels", () => {
    const u = uniform(3);
    const x = makeSet(2, 16, 14, () => u(), 2);
    const y = noisy(x, 0.2, 4);
    expect(ssim(y, x)).toBeCloseTo(referenceSsim(y, x), 10);
    const inverted = { ...x, pixels: x.pixels.map((v) => 1 - v) };
    expect(ssim(inverted, x)).toBeCloseTo(referenceSsim(inverted, x), 10);
    expect(ssim(inverted, x)).toBeLessThan(0);
  });

  it("falls as noise grows", () => {
    const x = checkerboard(28, 4);
    const scores = [0.05, 0.1, 0.2, 0.4].map((amplitude) => ssim(noisy(x, amplitude, 11), x));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
    expect(scores[0]).toBeLessThan(1);
  });

  it("needs images of at least 11x11", () => {
    expect(() => ssim(constant(1, 10, 28, 0), constant(1, 10, 28, 0))).toThrow(/at least 11x11/);
  });
});
