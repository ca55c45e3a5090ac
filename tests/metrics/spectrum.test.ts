import { describe, expect, it } from "vitest";
import { highFrequencyEnergy, highFrequencyRatio, radialPowerSpectrum, type ImageSet } from "../../src/metrics/index.js";
import { boxBlur, constant, makeSet, uniform } from "./images.js";

const random = (count: number, height: number, width: number, seed: number, channels = 1) => {
  const rand = uniform(seed);
  return makeSet(count, height, width, () => rand(), channels);
};

/** Mean over images and channels of the plane's sum of squares. */
function meanSumOfSquares(s: ImageSet): number {
  let total = 0;
  for (const v of s.pixels) total += v * v;
  return total / (s.count * s.channels);
}

/**
 * Power above the cutoff by the textbook 2-D DFT, one double sum per frequency (no separation, no twiddle table):
 * an independent check of the function's transform and of its radius convention.
 */
function naiveHighEnergy(s: ImageSet, cutoff: number): number {
  const { height: h, width: w, channels } = s;
  let total = 0;
  for (let n = 0; n < s.count; n++) {
    for (let ch = 0; ch < channels; ch++) {
      for (let ky = 0; ky < h; ky++) {
        for (let kx = 0; kx < w; kx++) {
          const fy = Math.min(ky, h - ky) / h;
          const fx = Math.min(kx, w - kx) / w;
          if (!(Math.hypot(fx, fy) > cutoff)) continue;
          let re = 0;
          let im = 0;
          for (let r = 0; r < h; r++) {
            for (let c = 0; c < w; c++) {
              const v = s.pixels[((n * h + r) * w + c) * channels + ch];
              const angle = -2 * Math.PI * ((ky * r) / h + (kx * c) / w);
              re += v * Math.cos(angle);
              im += v * Math.sin(angle);
            }
          }
          total += (re * re + im * im) / (h * w);
        }
      }
    }
  }
  return total / (s.count * channels);
}

describe("radialPowerSpectrum", () => {
  it("Parseval: the bins' energy sums to the sum of squared pixels, for square, non-square and colour images", () => {
    for (const s of [random(3, 28, 28, 1), random(2, 32, 32, 2), random(2, 12, 20, 3, 3)]) {
      const spectrum = radialPowerSpectrum(s);
      const total = spectrum.energy.reduce((a, b) => a + b, 0);
      expect(total / meanSumOfSquares(s)).toBeCloseTo(1, 12);
      expect(spectrum.frequencies.reduce((a, b) => a + b, 0)).toBe(s.height * s.width);
      spectrum.power.forEach((p, b) => {
        if (spectrum.frequencies[b] > 0) expect(p).toBeCloseTo(spectrum.energy[b] / spectrum.frequencies[b], 12);
      });
    }
  });

  it("a pure sinusoid puts its energy at its radius: 5 cycles across (3 down, 4 across) or 7 across a 28x28 image", () => {
    const diagonal = makeSet(1, 28, 28, (_, r, c) => Math.cos((2 * Math.PI * (3 * r + 4 * c)) / 28));
    const horizontal = makeSet(2, 28, 28, (_, __, c) => Math.sin((2 * Math.PI * 7 * c) / 28));
    for (const [s, bin] of [
      [diagonal, 5],
      [horizontal, 7],
    ] as const) {
      const spectrum = radialPowerSpectrum(s);
      expect(spectrum.radius[bin]).toBeCloseTo(bin / 28, 12);
      // All of sum(x^2) = 28 * 28 / 2 sits in that bin (float32 pixels leave ~1e-7 elsewhere).
      expect(spectrum.energy[bin]).toBeCloseTo(392, 3);
      spectrum.energy.forEach((e, b) => {
        if (b !== bin) expect(e).toBeLessThan(1e-6);
      });
    }
  });

  it("a flat image is all mean: its energy is in bin 0", () => {
    const spectrum = radialPowerSpectrum(constant(2, 28, 28, 0.5));
    expect(spectrum.energy[0]).toBeCloseTo(0.25 * 784, 9);
    expect(spectrum.energy.slice(1).every((e) => e < 1e-20)).toBe(true);
    expect(spectrum.radius.at(-1)).toBeCloseTo(20 / 28, 12); // the corner, sqrt(2) * 14 = 19.8, rounds to 20
  });

  it("blur removes power from the high bins and keeps the mean", () => {
    const sharp = random(4, 28, 28, 5);
    const a = radialPowerSpectrum(sharp);
    const b = radialPowerSpectrum(boxBlur(sharp));
    for (let bin = 7; bin < a.power.length; bin++) expect(b.power[bin]).toBeLessThan(a.power[bin]);
    expect(b.energy[0]).toBeCloseTo(a.energy[0], 0);
  });
});

describe("highFrequencyRatio and highFrequencyEnergy", () => {
  it("agree with a textbook 2-D DFT at several cutoffs, including non-square colour images", () => {
    for (const s of [random(2, 8, 8, 6), random(1, 7, 10, 7, 3)]) {
      for (const cutoff of [0, 0.1, 0.25, 0.4]) {
        expect(highFrequencyEnergy(s, cutoff)).toBeCloseTo(naiveHighEnergy(s, cutoff), 9);
      }
    }
  });

  it("the same pixels read again, or as another layout or cutoff, give each reading's own energy", () => {
    const s = random(2, 8, 8, 11);
    const asOneTallImage: ImageSet = { ...s, count: 1, height: 16 };
    for (let pass = 0; pass < 2; pass++) {
      expect(highFrequencyEnergy(s, 0.25)).toBeCloseTo(naiveHighEnergy(s, 0.25), 9);
      expect(highFrequencyEnergy(s, 0.1)).toBeCloseTo(naiveHighEnergy(s, 0.1), 9);
      expect(highFrequencyEnergy(asOneTallImage, 0.25)).toBeCloseTo(naiveHighEnergy(asOneTallImage, 0.25), 9);
    }
    expect(highFrequencyEnergy(asOneTallImage, 0.25)).not.toBeCloseTo(highFrequencyEnergy(s, 0.25), 6);
  });

  it("cutoff 0 leaves out only the mean: sum(x^2) - (sum x)^2 / pixels", () => {
    const s = random(1, 28, 28, 8);
    let sum = 0;
    for (const v of s.pixels) sum += v;
    expect(highFrequencyEnergy(s, 0)).toBeCloseTo(meanSumOfSquares(s) - (sum * sum) / 784, 9);
  });

  it("a blurred random image has less high-frequency energy than the original: ratio < 1, and > 1 the other way", () => {
    const sharp = random(4, 28, 28, 9);
    const blurred = boxBlur(sharp);
    const r = highFrequencyRatio(blurred, sharp);
    expect(r.ratio).toBeLessThan(0.5);
    expect(r.ratio).toBeCloseTo(r.outputEnergy / r.targetEnergy, 12);
    expect(r.cutoff).toBe(0.25);
    expect(highFrequencyRatio(sharp, blurred).ratio).toBeGreaterThan(2);
    // A 32x32 colour set too.
    const colour = random(2, 32, 32, 10, 3);
    expect(highFrequencyRatio(boxBlur(colour), colour).ratio).toBeLessThan(0.5);
  });

  it("the ratio of a set against itself is exactly 1", () => {
    const s = random(3, 28, 28, 11);
    expect(highFrequencyRatio(s, s).ratio).toBe(1);
  });

  it("a sinusoid below the cutoff has no high-frequency energy; one above it has all of its energy there", () => {
    const low = makeSet(1, 28, 28, (_, __, c) => Math.cos((2 * Math.PI * 5 * c) / 28)); // 0.18 cycles per pixel
    const high = makeSet(1, 28, 28, (_, __, c) => Math.cos((2 * Math.PI * 9 * c) / 28)); // 0.32
    expect(highFrequencyEnergy(low)).toBeLessThan(1e-6);
    expect(highFrequencyEnergy(high)).toBeCloseTo(392, 3);
  });

  it("refuses a cutoff beyond the corner and mismatched sets", () => {
    const s = random(1, 8, 8, 12);
    expect(() => highFrequencyRatio(s, s, 0.8)).toThrow(/highFrequencyRatio: cutoff must be a radius in cycles per pixel in \[0, 0\.7071\) \(got 0\.8\)/);
    expect(() => highFrequencyEnergy(s, -1)).toThrow(/highFrequencyEnergy: cutoff/);
    expect(() => highFrequencyRatio(s, random(1, 8, 9, 12))).toThrow(/highFrequencyRatio: outputs \(1x8x8x1\) and targets \(1x8x9x1\)/);
  });
});
