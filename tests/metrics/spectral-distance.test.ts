import { describe, expect, it } from "vitest";
import { meanLogSpectrum, radialPowerSpectrum, radialSpectrumDistance, SPECTRUM_POWER_FLOOR, type ImageSet } from "../../src/metrics/index.js";
import { boxBlur, constant, makeSet, uniform } from "./images.js";

const random = (count: number, height: number, width: number, seed: number, channels = 1) => {
  const u = uniform(seed);
  return makeSet(count, height, width, () => u(), channels);
};
const scaled = (s: ImageSet, factor: number): ImageSet => ({ ...s, pixels: s.pixels.map((v) => v * factor) });

describe("meanLogSpectrum", () => {
  it("a single sinusoid: its ring holds log10 of its power, every other ring the floor; min-max makes that 1 and 0", () => {
    const s = makeSet(1, 28, 28, (_, __, c) => Math.cos((2 * Math.PI * 7 * c) / 28));
    const rings = radialPowerSpectrum(s);
    const none = meanLogSpectrum(s, "none");
    // Rings 1..20 (ring 0, DC, left out); ring 7 holds sum(x^2) = 392 over its frequencies, power |F|^2 / 784 each.
    expect(none.radius).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) / 28));
    none.spectrum.forEach((v, i) => {
      if (i + 1 === 7) expect(v).toBeCloseTo(Math.log10(392 / rings.frequencies[7]), 6);
      else expect(v).toBeCloseTo(Math.log10(SPECTRUM_POWER_FLOOR), 3);
    });
    const minmax = meanLogSpectrum(s);
    minmax.spectrum.forEach((v, i) => {
      expect(v).toBeCloseTo(i + 1 === 7 ? 1 : 0, 4);
    });
  });

  it("averages each plane's normalised spectrum: in [0, 1] under min-max, each plane reaching both ends", () => {
    const s = random(3, 16, 12, 4, 3);
    const { spectrum } = meanLogSpectrum(s);
    expect(Math.min(...spectrum)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...spectrum)).toBeLessThanOrEqual(1);
    // The mean of planes each with a 0 and a 1 somewhere: not all zero, not all one.
    expect(spectrum.some((v) => v > 0.3)).toBe(true);
  });

  it("a flat image has no power off DC: its min-max spectrum is 0 everywhere, its log spectrum the floor", () => {
    expect(meanLogSpectrum(constant(2, 8, 8, 0.4)).spectrum.every((v) => v === 0)).toBe(true);
    expect(meanLogSpectrum(constant(1, 8, 8, 0), "none").spectrum.every((v) => v === Math.log10(SPECTRUM_POWER_FLOOR))).toBe(true);
  });
});

describe("radialSpectrumDistance", () => {
  it("is 0 for a set against itself, under both normalisations", () => {
    const s = random(3, 28, 28, 1);
    expect(radialSpectrumDistance(s, s).distance).toBe(0);
    expect(radialSpectrumDistance(s, s, { normalisation: "none" }).distance).toBe(0);
  });

  it("doubling the pixels adds log10(4) to every ring's log power, which min-max normalises away", () => {
    const s = random(2, 20, 20, 2, 3);
    expect(radialSpectrumDistance(scaled(s, 2), s, { normalisation: "none" }).distance).toBeCloseTo(Math.log10(4), 6);
    expect(radialSpectrumDistance(scaled(s, 2), s).distance).toBeCloseTo(0, 6);
  });

  it("blur moves the spectrum: farther from its original than a fresh draw of the same noise", () => {
    // Sixteen images of white noise: a single plane's ring means scatter, and min-max stretches a flat spectrum's
    // scatter to [0, 1] (measured: 0.06 for a fresh draw, 0.29 blurred; 0.04 and 1.26 without normalisation).
    const s = random(16, 28, 28, 3);
    const fresh = random(16, 28, 28, 30);
    for (const normalisation of ["minmax", "none"] as const) {
      const blurred = radialSpectrumDistance(boxBlur(s), s, { normalisation }).distance;
      expect(blurred).toBeGreaterThan(4 * radialSpectrumDistance(fresh, s, { normalisation }).distance);
    }
  });

  it("compares sets of different counts and reports both mean spectra", () => {
    const a = random(2, 10, 14, 5);
    const b = random(5, 10, 14, 6);
    const d = radialSpectrumDistance(a, b);
    expect(d.a).toEqual(meanLogSpectrum(a).spectrum);
    expect(d.b).toEqual(meanLogSpectrum(b).spectrum);
    expect(d.distance).toBeCloseTo(d.a.reduce((s, v, i) => s + Math.abs(v - d.b[i]), 0) / d.a.length, 14);
    expect(d.normalisation).toBe("minmax");
  });

  it("names what it cannot compare", () => {
    expect(() => radialSpectrumDistance(random(1, 8, 8, 1), random(1, 8, 9, 1))).toThrow(
      "radialSpectrumDistance: the sets' images differ in shape, 8x8x1 and 8x9x1 (height x width x channels)",
    );
    const s = random(1, 8, 8, 1);
    expect(() => radialSpectrumDistance(s, s, { normalisation: "max" as "none" })).toThrow(
      'radialSpectrumDistance: normalisation must be "minmax" or "none" (got "max")',
    );
    expect(() => meanLogSpectrum(constant(1, 1, 1, 0))).toThrow("meanLogSpectrum: 1x1 images have no frequency but the mean");
  });
});
