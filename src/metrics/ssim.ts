import { checkMinSize, checkPair, plane, type ImageSet } from "./image-set.js";

/**
 * Wang, Bovik, Sheikh & Simoncelli 2004, "Image quality assessment: from error visibility to structural similarity".
 * The window's side, pixels: a plane must be at least this wide and tall.
 */
export const SSIM_WINDOW = 11;
const SIGMA = 1.5;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** The 1-D Gaussian whose outer product with itself is the paper's 11x11 window (MATLAB fspecial('gaussian', 11, 1.5)). */
export function gaussianWindow(size = SSIM_WINDOW, sigma = SIGMA): Float64Array {
  const w = new Float64Array(size);
  const centre = (size - 1) / 2;
  let sum = 0;
  for (let k = 0; k < size; k++) {
    w[k] = Math.exp(-((k - centre) ** 2) / (2 * sigma * sigma));
    sum += w[k];
  }
  for (let k = 0; k < size; k++) w[k] /= sum;
  return w;
}

/** Separable 'valid' filtering of a height x width plane with the window w: (height - k + 1) x (width - k + 1). */
function filterValid(p: Float64Array, height: number, width: number, w: Float64Array): Float64Array {
  const k = w.length;
  const outW = width - k + 1;
  const outH = height - k + 1;
  const rows = new Float64Array(height * outW);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < outW; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += w[j] * p[r * width + c + j];
      rows[r * outW + c] = s;
    }
  }
  const out = new Float64Array(outH * outW);
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += w[j] * rows[(r + j) * outW + c];
      out[r * outW + c] = s;
    }
  }
  return out;
}

/** Sums over the valid region of one plane pair's SSIM map and of its contrast-structure map (the SSIM map without its luminance term). */
export interface SsimSums {
  ssim: number;
  cs: number;
  /** Cells in the valid region, (height - 10) x (width - 10). */
  cells: number;
}

/**
 * The SSIM and contrast-structure maps of one height x width plane pair (y an output, x its target), summed over
 * the valid region and added to `into` (a running total over planes keeps `ssim`'s sum in its original order, so
 * its value is unchanged to the bit): the formula of Wang et al. 2004 with the 11x11 Gaussian window, C1, C2 and
 * data range 1, shared by `ssim` and `msSsim` (ms-ssim.ts). The planes must be at least 11x11.
 */
export function ssimPlaneSums(
  y: Float64Array,
  x: Float64Array,
  height: number,
  width: number,
  w = gaussianWindow(),
  into: SsimSums = { ssim: 0, cs: 0, cells: 0 },
): SsimSums {
  const size = height * width;
  const yy = new Float64Array(size);
  const xx = new Float64Array(size);
  const xy = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    yy[i] = y[i] * y[i];
    xx[i] = x[i] * x[i];
    xy[i] = x[i] * y[i];
  }
  const muY = filterValid(y, height, width, w);
  const muX = filterValid(x, height, width, w);
  const eYY = filterValid(yy, height, width, w);
  const eXX = filterValid(xx, height, width, w);
  const eXY = filterValid(xy, height, width, w);
  for (let i = 0; i < muX.length; i++) {
    const mx = muX[i];
    const my = muY[i];
    const varX = eXX[i] - mx * mx;
    const varY = eYY[i] - my * my;
    const cov = eXY[i] - mx * my;
    into.ssim += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (varX + varY + C2));
    into.cs += (2 * cov + C2) / (varX + varY + C2);
  }
  into.cells += muX.length;
  return into;
}

/**
 * Mean SSIM as in Wang et al. 2004 and their reference MATLAB code: 11x11 Gaussian window (sigma 1.5,
 * normalised), C1 = (0.01 L)^2, C2 = (0.03 L)^2 with data range L = 1, weighted (not sample-corrected)
 * variances, no padding: the SSIM map covers the (H - 10) x (W - 10) valid region (18x18 on MNIST). Each
 * channel is scored separately; the result is the mean over the valid region, the channels and the images.
 */
export function ssim(outputs: ImageSet, targets: ImageSet): number {
  checkPair(outputs, targets, "ssim");
  checkMinSize(outputs, SSIM_WINDOW, "ssim");
  const { height, width, channels, count } = outputs;
  const w = gaussianWindow();
  const sums: SsimSums = { ssim: 0, cs: 0, cells: 0 };
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < channels; ch++) ssimPlaneSums(plane(outputs, n, ch), plane(targets, n, ch), height, width, w, sums);
  }
  return sums.ssim / sums.cells;
}
