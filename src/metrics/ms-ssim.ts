import { checkMinSize, checkPair, plane, type ImageSet } from "./image-set.js";
import { gaussianWindow, SSIM_WINDOW, ssimPlaneSums } from "./ssim.js";

/** Wang, Simoncelli & Bovik 2003, "Multiscale structural similarity for image quality assessment": the exponents of scales 1 (full resolution) to 5. */
export const MS_SSIM_WEIGHTS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

export interface MsSsim {
  /** Mean over images and channels of each plane's MS-SSIM, in [0, 1] (1: identical). */
  value: number;
  /** How many scales fit the images (1 to 5): 2 at 28x28 and 32x32, 3 at 64x64, 5 from 176x176. */
  scales: number;
  /** The exponents used: MS_SSIM_WEIGHTS with all 5 scales, else the first `scales` of them renormalised to sum to 1. */
  weights: number[];
}

/**
 * Scales that fit height x width images: scale j + 1 halves scale j (odd sides rounded up), and a scale needs both
 * sides at least the 11-pixel window. At most the paper's 5.
 */
export function msSsimScales(height: number, width: number): number {
  let scales = 0;
  for (let h = height, w = width; scales < MS_SSIM_WEIGHTS.length && Math.min(h, w) >= SSIM_WINDOW; h = Math.ceil(h / 2), w = Math.ceil(w / 2)) {
    scales++;
  }
  return scales;
}

/**
 * 2x2 average pooling, as tf.image.ssim_multiscale downsamples (and Wang's MATLAB msssim.m): an odd side is first
 * padded with a copy of its last row or column (numpy's "symmetric" pad by one), so the result is ceil(h / 2) x ceil(w / 2).
 */
function halve(p: Float64Array, height: number, width: number): { plane: Float64Array; height: number; width: number } {
  const h = Math.ceil(height / 2);
  const w = Math.ceil(width / 2);
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    const r0 = 2 * r;
    const r1 = Math.min(2 * r + 1, height - 1);
    for (let c = 0; c < w; c++) {
      const c0 = 2 * c;
      const c1 = Math.min(2 * c + 1, width - 1);
      out[r * w + c] = (p[r0 * width + c0] + p[r0 * width + c1] + p[r1 * width + c0] + p[r1 * width + c1]) / 4;
    }
  }
  return { plane: out, height: h, width: w };
}

/**
 * Multiscale SSIM (Wang, Simoncelli & Bovik 2003) of outputs against their targets, per image and channel:
 * prod over scales j < M of cs_j^{w_j}, times ssim_M^{w_M} at the last scale M, where cs_j is the mean of the
 * contrast-structure map at scale j and ssim_M the mean SSIM map (luminance, contrast and structure) at scale M,
 * each from ssim.ts's 11x11 Gaussian window (sigma 1.5, valid region, C1 = 0.01^2, C2 = 0.03^2, data range 1).
 * Scale 1 is the image; each next scale is a 2x2 average pool of the one before. Images as small as 28x28 hold
 * fewer than the paper's 5 scales: as many as fit are used (`msSsimScales`), with the paper's weights of those
 * scales renormalised to sum to 1 (all 5 as published); `scales` in the result says how many. A negative cs_j or ssim_M is set to 0
 * before the power, as tf.image.ssim_multiscale and pytorch_msssim both do (a negative base to a fractional
 * power has no real value). The result is the mean over images and channels.
 */
export function msSsim(outputs: ImageSet, targets: ImageSet): MsSsim {
  checkPair(outputs, targets, "msSsim");
  checkMinSize(outputs, SSIM_WINDOW, "msSsim");
  const { height, width, channels, count } = outputs;
  const scales = msSsimScales(height, width);
  // The paper's five sum to 1.0001; all five are used as they are, as tf.image.ssim_multiscale and pytorch_msssim do.
  const used = MS_SSIM_WEIGHTS.slice(0, scales);
  const total = used.reduce((s, v) => s + v, 0);
  const weights = scales === MS_SSIM_WEIGHTS.length ? [...MS_SSIM_WEIGHTS] : used.map((v) => v / total);
  const window = gaussianWindow();
  let sum = 0;
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < channels; ch++) {
      let y = { plane: plane(outputs, n, ch), height, width };
      let x = { plane: plane(targets, n, ch), height, width };
      let product = 1;
      for (let j = 0; j < scales; j++) {
        const sums = ssimPlaneSums(y.plane, x.plane, y.height, y.width, window);
        const last = j === scales - 1;
        product *= Math.max(0, (last ? sums.ssim : sums.cs) / sums.cells) ** weights[j];
        if (!last) {
          y = halve(y.plane, y.height, y.width);
          x = halve(x.plane, x.height, x.width);
        }
      }
      sum += product;
    }
  }
  return { value: sum / (count * channels), scales, weights };
}
