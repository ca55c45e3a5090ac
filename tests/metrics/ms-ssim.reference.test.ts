import { describe, expect, it } from "vitest";
import { type ImageSet, msSsim, ssim } from "../../src/metrics/index.js";
import { makeSet, uniform } from "./images.js";
import { imagesJson, reference, relativeError } from "./reference/python.js";

// npm run test:reference: SSIM and MS-SSIM against scipy.signal.correlate2d with the explicit 11x11 window and
// tf.image.ssim_multiscale's scales, downsampling and clipping, in numpy (tests/metrics/reference/ms_ssim.py).

const pattern = (count: number, h: number, w: number, seed: number, channels: number): ImageSet => {
  const u = uniform(seed);
  return makeSet(count, h, w, (n, r, c, ch) => 0.5 + 0.3 * Math.sin((r * (n + 1)) / 3 + c / (2 + ch)) + 0.2 * (u() - 0.5), channels);
};
const noisy = (x: ImageSet, amplitude: number, seed: number): ImageSet => {
  const u = uniform(seed);
  return { ...x, pixels: x.pixels.map((v) => Math.min(1, Math.max(0, v + amplitude * (2 * u() - 1)))) };
};
const inverted = (x: ImageSet): ImageSet => ({ ...x, pixels: x.pixels.map((v) => 1 - v) });

describe("ssim and msSsim against numpy and scipy", () => {
  it("1 to 5 scales, odd sides, colour, and pairs whose contrast-structure is negative", async () => {
    for (const [count, h, w, channels, scales] of [
      [3, 16, 14, 1, 1],
      [4, 28, 28, 1, 2],
      [2, 32, 32, 3, 2],
      [2, 45, 61, 2, 3],
      [1, 176, 180, 1, 5],
    ]) {
      const targets = pattern(count, h, w, h + w, channels);
      const outputs = [noisy(targets, 0.15, 1), noisy(targets, 0.6, 2), inverted(targets)];
      const numpy = await reference<{ ssim: number; msSsim: number; scales: number }[]>("ms_ssim.py", {
        cases: outputs.map((y) => ({ outputs: imagesJson(y), targets: imagesJson(targets) })),
      });
      outputs.forEach((y, i) => {
        const ours = msSsim(y, targets);
        expect([ours.scales, numpy[i].scales]).toEqual([scales, scales]);
        expect(relativeError(ours.value, numpy[i].msSsim)).toBeLessThan(1e-9);
        expect(relativeError(ssim(y, targets), numpy[i].ssim)).toBeLessThan(1e-9);
      });
    }
  });
});
