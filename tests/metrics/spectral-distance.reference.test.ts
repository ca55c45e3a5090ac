import { describe, expect, it } from "vitest";
import { type ImageSet, radialPowerSpectrum, radialSpectrumDistance, type SpectrumNormalisation } from "../../src/metrics/index.js";
import { boxBlur, makeSet, uniform } from "./images.js";
import { imagesJson, reference, relativeError } from "./reference/python.js";

// npm run test:reference: the radial spectra and the spectral distance against numpy's FFT and bincount
// (tests/metrics/reference/spectrum.py).

interface Spectra {
  radius: number[];
  spectrum: number[];
  power: (number | null)[];
}

/** Smooth random images (a blurred noise field plus a ramp), so spectra fall with frequency as natural images' do. */
const smooth = (count: number, h: number, w: number, seed: number, channels: number): ImageSet => {
  const u = uniform(seed);
  return boxBlur(boxBlur(makeSet(count, h, w, (_, r, c) => 0.5 * u() + (0.5 * (r + c)) / (h + w), channels)));
};

describe("radialSpectrumDistance against numpy", () => {
  it("square grey, square colour and non-square colour sets of different counts, both normalisations", async () => {
    for (const [h, w, channels] of [
      [28, 28, 1],
      [32, 32, 3],
      [12, 20, 3],
    ]) {
      const a = smooth(5, h, w, h + w, channels);
      const b = boxBlur(smooth(3, h, w, h * w, channels));
      const normalisations: SpectrumNormalisation[] = ["minmax", "none"];
      const numpy = await reference<{ a: Spectra; b: Spectra; distance: number }[]>("spectrum.py", {
        cases: normalisations.map((normalisation) => ({ a: imagesJson(a), b: imagesJson(b), normalisation })),
      });
      normalisations.forEach((normalisation, n) => {
        const ours = radialSpectrumDistance(a, b, { normalisation });
        expect(ours.radius).toEqual(numpy[n].a.radius);
        ours.a.forEach((v, i) => {
          expect(relativeError(v, numpy[n].a.spectrum[i], 1e-6)).toBeLessThan(1e-9);
        });
        ours.b.forEach((v, i) => {
          expect(relativeError(v, numpy[n].b.spectrum[i], 1e-6)).toBeLessThan(1e-9);
        });
        expect(relativeError(ours.distance, numpy[n].distance)).toBeLessThan(1e-8);
        // radialPowerSpectrum, which the rings and power come from, on the same sets (NaN: a ring no frequency falls in).
        radialPowerSpectrum(a).power.forEach((p, ring) => {
          const expected = numpy[n].a.power[ring];
          if (expected === null) expect(p).toBeNaN();
          else expect(relativeError(p, expected, 1e-12)).toBeLessThan(1e-9);
        });
      });
    }
  });
});
