import { RealDft2d } from "./dft.js";
import { checkImageSet, checkPair, type ImageSet } from "./image-set.js";

/** Half of Nyquist: on 28x28 digits, detail finer than about 4 pixels per cycle (stroke edges, not strokes). */
export const DEFAULT_HIGH_FREQUENCY_CUTOFF = 0.25;

export interface RadialSpectrum {
  /**
   * Bin b holds the frequencies whose radius r = sqrt(fx^2 + fy^2), in cycles per pixel, rounds to b / size, where
   * size = max(height, width): bin 0 is the mean (DC), the last reaches the corner, r = sqrt(2) / 2.
   */
  radius: number[];
  /** Frequencies (DFT coefficients) in each bin, per image and channel. */
  frequencies: number[];
  /**
   * Mean power per frequency in the bin, averaged over images and channels: the radially averaged power spectrum.
   * NaN for a bin no frequency falls in (possible only for non-square images).
   */
  power: number[];
  /**
   * Summed power of the bin, averaged over images and channels. Power is |DFT|^2 / (height * width), so by Parseval
   * the bins sum to the mean over images and channels of the plane's sum of squared pixels.
   */
  energy: number[];
}

/**
 * The radially averaged power spectrum of a set of images (2-D DFT of each image's channel planes, no window, no
 * mean removal: the mean is bin 0 and out of every high-frequency sum). Blur removes power from the high bins.
 */
export function radialPowerSpectrum(images: ImageSet): RadialSpectrum {
  checkImageSet(images, "radialPowerSpectrum");
  const acc = new SpectrumAccumulator(images.height, images.width);
  for (let n = 0; n < images.count; n++) for (let ch = 0; ch < images.channels; ch++) acc.add(images, n, ch);
  const planes = images.count * images.channels;
  return {
    radius: acc.frequencies.map((_, b) => b / acc.size),
    frequencies: acc.frequencies,
    power: acc.energy.map((e, b) => e / planes / acc.frequencies[b]),
    energy: acc.energy.map((e) => e / planes),
  };
}

export interface HighFrequencyRatio {
  /**
   * Power at radii above the cutoff, outputs over targets (summed over images, so each output is paired with its
   * own target): 1 = as much fine detail as the data, < 1 blurrier, > 1 sharper or noisier. NaN or Infinity when
   * the targets have no power there.
   */
  ratio: number;
  /** Mean over images and channels of the outputs' power above the cutoff. */
  outputEnergy: number;
  /** The same for the targets. */
  targetEnergy: number;
  /** The cutoff radius, cycles per pixel. */
  cutoff: number;
}

/**
 * A sharpness measure from the spectrum, needing no pretrained network: the high-frequency energy of the outputs
 * relative to that of their targets. Speaks to C3, C5 and C6 beside the gradient and Laplacian ratios (sharpness.ts):
 * those weigh edges in the pixel domain, this one counts all detail finer than 1 / cutoff pixels per cycle.
 * The cutoff compares the exact radius of each frequency, not its bin: power above it is r > cutoff.
 */
export function highFrequencyRatio(outputs: ImageSet, targets: ImageSet, cutoff = DEFAULT_HIGH_FREQUENCY_CUTOFF): HighFrequencyRatio {
  checkPair(outputs, targets, "highFrequencyRatio");
  checkCutoff(cutoff, "highFrequencyRatio");
  const outputEnergy = highFrequencyEnergy(outputs, cutoff);
  const targetEnergy = highFrequencyEnergy(targets, cutoff);
  return { ratio: outputEnergy / targetEnergy, outputEnergy, targetEnergy, cutoff };
}

/**
 * Energies already computed, by pixel array: a report measures the same targets (and the same outputs) against
 * several others, and each spectrum costs ~1e5 multiply-adds per image. Keyed weakly, so a measured run's arrays
 * are freed with it; the key also holds the layout and cutoff, since one array could be read as other shapes.
 */
const energyCache = new WeakMap<Float32Array, Map<string, number>>();

/** Power at radii above `cutoff` (cycles per pixel, exact radius r > cutoff), mean over images and channels. */
export function highFrequencyEnergy(images: ImageSet, cutoff = DEFAULT_HIGH_FREQUENCY_CUTOFF): number {
  checkImageSet(images, "highFrequencyEnergy");
  checkCutoff(cutoff, "highFrequencyEnergy");
  const key = `${images.count}x${images.height}x${images.width}x${images.channels}@${cutoff}`;
  const known = energyCache.get(images.pixels)?.get(key);
  if (known !== undefined) return known;
  const acc = new SpectrumAccumulator(images.height, images.width, cutoff);
  for (let n = 0; n < images.count; n++) for (let ch = 0; ch < images.channels; ch++) acc.add(images, n, ch);
  const energy = acc.high / (images.count * images.channels);
  energyCache.set(images.pixels, (energyCache.get(images.pixels) ?? new Map<string, number>()).set(key, energy));
  return energy;
}

/** No frequency of a DFT lies beyond the corner, radius sqrt(2) / 2 cycles per pixel. */
function checkCutoff(cutoff: number, where: string): void {
  if (!(cutoff >= 0 && cutoff < Math.SQRT1_2)) {
    throw new Error(`${where}: cutoff must be a radius in cycles per pixel in [0, ${Math.SQRT1_2.toFixed(4)}) (got ${cutoff})`);
  }
}

/** The rings of the radial spectrum of height x width planes (radialBins). */
export interface RadialBins {
  size: number;
  /** The ring of frequency (ky, kx), at ky * width + kx. */
  binOf: Int32Array;
  /** The exact radius of frequency (ky, kx), cycles per pixel, at ky * width + kx. */
  radius: Float64Array;
  /** How many frequencies fall in each ring (0 for a ring no frequency falls in: possible for non-square planes). */
  frequencies: number[];
}

/**
 * The rings of the radial spectrum of h x w planes: frequency (ky, kx) has the signed frequencies
 * fy = min(ky, h - ky) / h and fx = min(kx, w - kx) / w (index k above n / 2 is the negative frequency k - n), the
 * radius r = sqrt(fx^2 + fy^2) in cycles per pixel, and lies in ring b = round(r * size), size = max(h, w). Ring 0
 * holds the mean (DC) alone: every other frequency has r >= 1 / size.
 */
export function radialBins(h: number, w: number): RadialBins {
  const size = Math.max(h, w);
  const binOf = new Int32Array(h * w);
  const radius = new Float64Array(h * w);
  let maxBin = 0;
  for (let ky = 0; ky < h; ky++) {
    for (let kx = 0; kx < w; kx++) {
      const fy = Math.min(ky, h - ky) / h;
      const fx = Math.min(kx, w - kx) / w;
      const r = Math.sqrt(fx * fx + fy * fy);
      const b = Math.round(r * size);
      binOf[ky * w + kx] = b;
      radius[ky * w + kx] = r;
      maxBin = Math.max(maxBin, b);
    }
  }
  const frequencies = new Array<number>(maxBin + 1).fill(0);
  for (const b of binOf) frequencies[b]++;
  return { size, binOf, radius, frequencies };
}

/** Sums the DFT power of image planes by radius bin (the transform: dft.ts). */
class SpectrumAccumulator {
  readonly size: number;
  readonly frequencies: number[];
  readonly energy: number[];
  /** Power summed over frequencies with radius above the cutoff, over every plane added. */
  high = 0;
  private readonly binOf: Int32Array;
  private readonly isHigh: Uint8Array;
  private readonly dft: RealDft2d;
  private readonly power: Float64Array;

  constructor(h: number, w: number, cutoff = Infinity) {
    const bins = radialBins(h, w);
    this.size = bins.size;
    this.binOf = bins.binOf;
    this.isHigh = Uint8Array.from(bins.radius, (r) => (r > cutoff ? 1 : 0));
    this.frequencies = bins.frequencies;
    this.energy = new Array<number>(bins.frequencies.length).fill(0);
    this.dft = new RealDft2d(h, w);
    this.power = new Float64Array(h * (this.dft.half + 1));
  }

  add(images: ImageSet, image: number, channel: number): void {
    const { dft, power } = this;
    const { height: h, width: w, half } = dft;
    dft.halfPower(images.pixels, image * h * w * images.channels + channel, images.channels, power);
    // Column by column, the order these sums had before the transform moved to dft.ts (the same numbers, bit for
    // bit); a column kx stands for its mirror -kx too, whose radius (ring, cutoff) is the same.
    const norm = 1 / (h * w);
    for (let kx = 0; kx <= half; kx++) {
      const copies = dft.copies(kx);
      for (let ky = 0; ky < h; ky++) {
        const p = power[ky * (half + 1) + kx] * norm * copies;
        const at = ky * w + kx;
        this.energy[this.binOf[at]] += p;
        if (this.isHigh[at]) this.high += p;
      }
    }
  }
}
