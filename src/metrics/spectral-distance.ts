import { RealDft2d } from "./dft.js";
import { checkImageSet, type ImageSet } from "./image-set.js";
import { radialBins } from "./spectrum.js";

/**
 * How each plane's log spectrum is normalised before the set's mean: "minmax" maps it onto [0, 1] over its rings
 * (Durall et al.; blind to contrast, and both ends are pinned, so a tail that falls (blur) shows only as a change of
 * shape), "none" keeps log10 power (a fall of the tail counts in full, and so does a change of contrast).
 */
export type SpectrumNormalisation = "minmax" | "none";

/**
 * Power below this counts as this before the log: an all-black output has no power at all. Eight-bit quantisation
 * noise alone is about 1.3e-6 per frequency (pixels in [0, 1]), four decades above it.
 */
export const SPECTRUM_POWER_FLOOR = 1e-10;

export interface RadialSpectrumDistance {
  /** Mean over the compared rings of |a(ring) - b(ring)|: 0 for sets of one spectrum. */
  distance: number;
  /** Radius of each compared ring, cycles per pixel: every ring of radialPowerSpectrum but DC and empty ones. */
  radius: number[];
  /** The first set's mean normalised log spectrum on those rings. */
  a: number[];
  /** The second set's. */
  b: number[];
  normalisation: SpectrumNormalisation;
}

/**
 * The mean over a set's planes (images x channels) of each plane's normalised 1-D log power spectrum, ring by ring:
 * for a plane, P(ring) = mean over the ring's frequencies of |DFT|^2 / (height * width) (the rings and the power of
 * radialPowerSpectrum, spectrum.ts), l(ring) = log10(P(ring) + SPECTRUM_POWER_FLOOR) on every ring but DC (ring 0)
 * and empty rings, then "minmax": (l - min l) / (max l - min l) (0 everywhere for a flat spectrum), or "none": l.
 */
export function meanLogSpectrum(images: ImageSet, normalisation: SpectrumNormalisation = "minmax"): { radius: number[]; spectrum: number[] } {
  checkImageSet(images, "meanLogSpectrum");
  checkNormalisation(normalisation, "meanLogSpectrum");
  const { count, height: h, width: w, channels } = images;
  const bins = radialBins(h, w);
  const rings = bins.frequencies.flatMap((f, ring) => (ring > 0 && f > 0 ? [ring] : []));
  if (rings.length === 0) throw new Error(`meanLogSpectrum: ${h}x${w} images have no frequency but the mean`);
  const dft = new RealDft2d(h, w);
  const cols = dft.half + 1;
  const power = new Float64Array(h * cols);
  const ringPower = new Float64Array(bins.frequencies.length);
  const log = new Float64Array(rings.length);
  const spectrum = new Float64Array(rings.length);
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < channels; ch++) {
      dft.halfPower(images.pixels, n * h * w * channels + ch, channels, power);
      ringPower.fill(0);
      // A column kx stands for its mirror -kx too, which lies in the same ring.
      for (let kx = 0; kx <= dft.half; kx++) {
        const copies = dft.copies(kx);
        for (let ky = 0; ky < h; ky++) ringPower[bins.binOf[ky * w + kx]] += power[ky * cols + kx] * copies;
      }
      let lo = Infinity;
      let hi = -Infinity;
      rings.forEach((ring, i) => {
        log[i] = Math.log10(ringPower[ring] / (bins.frequencies[ring] * h * w) + SPECTRUM_POWER_FLOOR);
        lo = Math.min(lo, log[i]);
        hi = Math.max(hi, log[i]);
      });
      for (let i = 0; i < rings.length; i++) {
        spectrum[i] += normalisation === "none" ? log[i] : hi > lo ? (log[i] - lo) / (hi - lo) : 0;
      }
    }
  }
  const planes = count * channels;
  return { radius: rings.map((ring) => ring / bins.size), spectrum: Array.from(spectrum, (s) => s / planes) };
}

/**
 * A distance between the radial power spectra of two sets of images (after Durall, Keuper & Keuper 2020, "Watch
 * your up-convolution"): the mean over rings (DC left out) of the absolute difference of the two sets' mean
 * normalised log spectra (`meanLogSpectrum`). The sets may differ in count, not in height, width or channels.
 *
 * Durall et al. take each image's 2-D spectrum (colour converted to grey), average 20 ln |F| over rings, and
 * min-max normalise the 1-D result; min-max makes the log's base and factor irrelevant. Here a colour image's
 * channels are planes of their own (as in radialPowerSpectrum), the ring average is of power before the log (a
 * single zero coefficient does not send a ring to -Infinity), the rings are centred on DC (their code's are half a
 * pixel off it for even sides), and DC is out of the min-max and of the distance (it is the image's mean, and
 * dwarfs every other ring).
 */
export function radialSpectrumDistance(
  a: ImageSet,
  b: ImageSet,
  { normalisation = "minmax" }: { normalisation?: SpectrumNormalisation } = {},
): RadialSpectrumDistance {
  checkImageSet(a, "radialSpectrumDistance", "first set");
  checkImageSet(b, "radialSpectrumDistance", "second set");
  checkNormalisation(normalisation, "radialSpectrumDistance");
  const shape = (s: ImageSet) => `${s.height}x${s.width}x${s.channels}`;
  if (shape(a) !== shape(b)) {
    throw new Error(`radialSpectrumDistance: the sets' images differ in shape, ${shape(a)} and ${shape(b)} (height x width x channels)`);
  }
  const first = meanLogSpectrum(a, normalisation);
  const second = meanLogSpectrum(b, normalisation);
  let sum = 0;
  first.spectrum.forEach((v, i) => {
    sum += Math.abs(v - second.spectrum[i]);
  });
  return { distance: sum / first.spectrum.length, radius: first.radius, a: first.spectrum, b: second.spectrum, normalisation };
}

function checkNormalisation(normalisation: string, where: string): void {
  if (normalisation !== "minmax" && normalisation !== "none") {
    throw new Error(`${where}: normalisation must be "minmax" or "none" (got ${JSON.stringify(normalisation)})`);
  }
}
