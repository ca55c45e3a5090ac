import { RealDft2d } from "./dft.js";
import { checkPair, type ImageSet } from "./image-set.js";

/** The paper's metric code reads 8-bit images: pixel values in [0, 255]. */
export const LFD_PIXEL_RANGE = 255;

/**
 * Log frequency distance (Jiang, Dai, Wu & Loy 2021, "Focal Frequency Loss for Image Reconstruction and
 * Synthesis", the `lfd` of their metrics/metric_utils.py), per image pair:
 *
 *   LFD = ln(1 + mean over channels c and frequencies (u, v) of |F_out(c, u, v) - F_target(c, u, v)|^2)
 *
 * with F the unnormalised 2-D DFT of each channel (numpy's default np.fft.fft2, as their metric code uses; their
 * loss uses the orthonormal one) of pixels scaled to [0, `range`] (255 by default, as their code reads 8-bit
 * images), and the result the mean over image pairs (their calc_metrics.py averages the per-pair values).
 *
 * By Parseval, the mean of |F_out - F_target|^2 over the H x W frequencies of a channel is the channel's summed
 * squared pixel error, so an image's LFD is ln(1 + range^2 * SSE / C), SSE its squared error summed over pixels and
 * channels: a log of the per-image squared error, not information beyond it. It is computed through the DFT here
 * all the same (dft.ts, of the difference, by linearity), so that it stays the paper's definition.
 */
export function logFrequencyDistance(outputs: ImageSet, targets: ImageSet, range = LFD_PIXEL_RANGE): number {
  checkPair(outputs, targets, "logFrequencyDistance");
  if (!(range > 0 && Number.isFinite(range))) throw new Error(`logFrequencyDistance: range must be a positive number (got ${range})`);
  const { count, height: h, width: w, channels } = outputs;
  const dft = new RealDft2d(h, w);
  const cols = dft.half + 1;
  const difference = new Float64Array(h * w);
  const power = new Float64Array(h * cols);
  const perImage = h * w * channels;
  let total = 0;
  for (let n = 0; n < count; n++) {
    let squared = 0;
    for (let ch = 0; ch < channels; ch++) {
      const base = n * perImage + ch;
      for (let i = 0; i < h * w; i++) difference[i] = outputs.pixels[base + i * channels] - targets.pixels[base + i * channels];
      dft.halfPower(difference, 0, 1, power);
      for (let kx = 0; kx <= dft.half; kx++) {
        const copies = dft.copies(kx);
        for (let ky = 0; ky < h; ky++) squared += power[ky * cols + kx] * copies;
      }
    }
    total += Math.log1p((range * range * squared) / perImage);
  }
  return total / count;
}
