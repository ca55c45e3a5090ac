import { checkPair, type ImageSet } from "./image-set.js";

/** Outputs are clipped to [EPS, 1 - EPS] before the logs of the BCE, as Keras does, so a confident miss costs ~16.1 nats, not Infinity. */
const EPS = 1e-7;
/** PSNR of an image identical to its target is +Infinity; it is capped here so that means over images stay finite. */
export const PSNR_CAP_DB = 100;

export interface PixelErrors {
  /** Squared error summed over an image's pixels, mean over images (the training reduction). */
  mse: number;
  /** Binary cross-entropy of the outputs as probabilities, summed over pixels, mean over images (nats). */
  bce: number;
  /** Absolute error summed over pixels, mean over images. */
  l1: number;
  /** Mean over images of 10 log10(1 / that image's mean squared error), data range 1, each capped at PSNR_CAP_DB. */
  psnr: number;
}

/**
 * Reconstruction errors of outputs (probabilities in [0, 1]) against targets, reduced as in training: summed
 * over the pixels of an image, averaged over images. Accumulates in float64.
 */
export function pixelErrors(outputs: ImageSet, targets: ImageSet): PixelErrors {
  checkPair(outputs, targets, "pixelErrors");
  const perImage = outputs.height * outputs.width * outputs.channels;
  const y = outputs.pixels;
  const x = targets.pixels;
  let mse = 0;
  let bce = 0;
  let l1 = 0;
  let psnr = 0;
  for (let n = 0; n < outputs.count; n++) {
    let sq = 0;
    let ce = 0;
    let abs = 0;
    for (let i = n * perImage; i < (n + 1) * perImage; i++) {
      const d = y[i] - x[i];
      sq += d * d;
      abs += Math.abs(d);
      const p = Math.min(Math.max(y[i], EPS), 1 - EPS);
      ce -= x[i] * Math.log(p) + (1 - x[i]) * Math.log(1 - p);
    }
    mse += sq;
    bce += ce;
    l1 += abs;
    const meanSq = sq / perImage;
    psnr += meanSq === 0 ? PSNR_CAP_DB : Math.min(PSNR_CAP_DB, -10 * Math.log10(meanSq));
  }
  const n = outputs.count;
  return { mse: mse / n, bce: bce / n, l1: l1 / n, psnr: psnr / n };
}
