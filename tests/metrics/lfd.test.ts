import { describe, expect, it } from "vitest";
import { LFD_PIXEL_RANGE, logFrequencyDistance, type ImageSet } from "../../src/metrics/index.js";
import { constant, makeSet, uniform } from "./images.js";

const random = (count: number, height: number, width: number, seed: number, channels = 1) => {
  const u = uniform(seed);
  return makeSet(count, height, width, () => u(), channels);
};

/** ln(1 + mean over channels and frequencies of |F_y - F_x|^2), by the textbook 2-D DFT of each image pair, averaged. */
function naiveLfd(y: ImageSet, x: ImageSet, range: number): number {
  const { count, height: h, width: w, channels } = x;
  let total = 0;
  for (let n = 0; n < count; n++) {
    let sum = 0;
    for (let ch = 0; ch < channels; ch++) {
      for (let ky = 0; ky < h; ky++) {
        for (let kx = 0; kx < w; kx++) {
          let re = 0;
          let im = 0;
          for (let r = 0; r < h; r++) {
            for (let c = 0; c < w; c++) {
              const i = ((n * h + r) * w + c) * channels + ch;
              const d = range * (y.pixels[i] - x.pixels[i]);
              const angle = -2 * Math.PI * ((ky * r) / h + (kx * c) / w);
              re += d * Math.cos(angle);
              im += d * Math.sin(angle);
            }
          }
          sum += re * re + im * im;
        }
      }
    }
    total += Math.log(1 + sum / (channels * h * w));
  }
  return total / count;
}

describe("logFrequencyDistance", () => {
  it("is 0 for identical images", () => {
    const x = random(2, 9, 7, 1, 3);
    expect(logFrequencyDistance(x, x)).toBe(0);
  });

  it("one pixel: its DFT is the pixel, so ln(1 + (255 d)^2)", () => {
    expect(logFrequencyDistance(constant(1, 1, 1, 0.75), constant(1, 1, 1, 0.25))).toBeCloseTo(Math.log(1 + (255 * 0.5) ** 2), 12);
  });

  it("agrees with the textbook 2-D DFT on non-square colour images, odd and even sides, at ranges 255 and 1", () => {
    for (const [h, w, channels] of [
      [5, 6, 3],
      [7, 4, 1],
    ]) {
      const y = random(3, h, w, h + w, channels);
      const x = random(3, h, w, h * w, channels);
      expect(logFrequencyDistance(y, x)).toBeCloseTo(naiveLfd(y, x, LFD_PIXEL_RANGE), 10);
      expect(logFrequencyDistance(y, x, 1)).toBeCloseTo(naiveLfd(y, x, 1), 12);
    }
  });

  it("by Parseval, each image's value is ln(1 + 255^2 SSE / channels), averaged over images (not the log of a mean)", () => {
    // Image 0 is off by 0.1 at every pixel of its 3 channels, image 1 by 0.02.
    const x = constant(2, 8, 8, 0.5, 3);
    const y = makeSet(2, 8, 8, (n) => 0.5 + (n === 0 ? 0.1 : 0.02), 3);
    const perImage = (d: number) => Math.log1p((255 ** 2 * (3 * 64 * d * d)) / 3);
    // The differences of the float32 pixels, 0.6 - 0.5 and 0.52 - 0.5 as stored.
    const [d0, d1] = [0, 3 * 64].map((i) => y.pixels[i] - x.pixels[i]);
    expect(logFrequencyDistance(y, x)).toBeCloseTo((perImage(d0) + perImage(d1)) / 2, 9);
    expect(logFrequencyDistance(y, x)).not.toBeCloseTo(Math.log1p(255 ** 2 * 64 * ((d0 * d0 + d1 * d1) / 2)), 2);
  });

  it("names the mismatch, and refuses a range that is not a positive number", () => {
    expect(() => logFrequencyDistance(constant(1, 4, 4, 0), constant(1, 4, 5, 0))).toThrow(
      "logFrequencyDistance: outputs (1x4x4x1) and targets (1x4x5x1) must have the same shape",
    );
    expect(() => logFrequencyDistance(constant(1, 4, 4, 0), constant(1, 4, 4, 0), 0)).toThrow("logFrequencyDistance: range must be a positive number (got 0)");
  });
});
