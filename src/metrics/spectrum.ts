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

/** Cosines and sines of the length-n DFT, 2 pi k j / n for k, j < n, so each image costs no trigonometry. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n * n);
  const sin = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      // (k * j) mod n keeps the angle small, so cos and sin are exact to rounding for every k, j.
      const angle = (2 * Math.PI * ((k * j) % n)) / n;
      cos[k * n + j] = Math.cos(angle);
      sin[k * n + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * Sums the DFT power of image planes by radius bin. A separable direct DFT, O(h w (h + w)) per plane: 28x28 and
 * 32x32 are not all powers of two, which radix-2 FFT packages (fft.js) require, and at these sizes the direct
 * transform is about 1e5 multiply-adds per image.
 */
class SpectrumAccumulator {
  readonly size: number;
  readonly frequencies: number[];
  readonly energy: number[];
  /** Power summed over frequencies with radius above the cutoff, over every plane added. */
  high = 0;
  private readonly binOf: Int32Array;
  private readonly isHigh: Uint8Array;
  private readonly rows: { cos: Float64Array; sin: Float64Array };
  private readonly cols: { cos: Float64Array; sin: Float64Array };
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  private readonly h: number;
  private readonly w: number;

  constructor(h: number, w: number, cutoff = Infinity) {
    this.h = h;
    this.w = w;
    this.size = Math.max(h, w);
    this.binOf = new Int32Array(h * w);
    this.isHigh = new Uint8Array(h * w);
    let maxBin = 0;
    for (let ky = 0; ky < h; ky++) {
      for (let kx = 0; kx < w; kx++) {
        // Signed frequencies: index k above n / 2 is the negative frequency k - n.
        const fy = Math.min(ky, h - ky) / h;
        const fx = Math.min(kx, w - kx) / w;
        const r = Math.sqrt(fx * fx + fy * fy);
        const b = Math.round(r * this.size);
        this.binOf[ky * w + kx] = b;
        this.isHigh[ky * w + kx] = r > cutoff ? 1 : 0;
        maxBin = Math.max(maxBin, b);
      }
    }
    this.frequencies = new Array<number>(maxBin + 1).fill(0);
    this.energy = new Array<number>(maxBin + 1).fill(0);
    for (const b of this.binOf) this.frequencies[b]++;
    this.rows = twiddles(w);
    this.cols = twiddles(h);
    this.re = new Float64Array(h * w);
    this.im = new Float64Array(h * w);
  }

  add(images: ImageSet, image: number, channel: number): void {
    const { h, w, re, im } = this;
    const { pixels, channels } = images;
    const rowCos = this.rows.cos;
    const rowSin = this.rows.sin;
    const colCos = this.cols.cos;
    const colSin = this.cols.sin;
    const base = image * h * w * channels + channel;
    // A real image's transform is conjugate-symmetric, P(ky, kx) = P(-ky, -kx), and the mirrored frequency has
    // the same radius: only kx <= w / 2 is computed, the others counted through their mirror (half the work).
    const half = Math.floor(w / 2);
    // Along each row: real input, so one multiply per term; zero pixels (most of a digit) add nothing.
    re.fill(0);
    im.fill(0);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = pixels[base + (r * w + c) * channels];
        if (v === 0) continue;
        for (let kx = 0; kx <= half; kx++) {
          re[r * w + kx] += v * rowCos[kx * w + c];
          im[r * w + kx] -= v * rowSin[kx * w + c];
        }
      }
    }
    // Down each column of the row transforms, accumulating power as it goes.
    const norm = 1 / (h * w);
    for (let kx = 0; kx <= half; kx++) {
      // kx = 0 and (for even w) kx = w / 2 are their own mirrors; every other column stands for two.
      const copies = kx === 0 || 2 * kx === w ? 1 : 2;
      for (let ky = 0; ky < h; ky++) {
        let sr = 0;
        let si = 0;
        const t = ky * h;
        for (let r = 0; r < h; r++) {
          const c = colCos[t + r];
          const sn = colSin[t + r];
          const a = re[r * w + kx];
          const b = im[r * w + kx];
          // (a + ib)(c - is)
          sr += a * c + b * sn;
          si += b * c - a * sn;
        }
        const p = (sr * sr + si * si) * norm * copies;
        const at = ky * w + kx;
        this.energy[this.binOf[at]] += p;
        if (this.isHigh[at]) this.high += p;
      }
    }
  }
}
