import { checkImageSet, checkPair, type ImageSet } from "./image-set.js";
import { midGreyShare } from "./intensity.js";
import { pixelErrors } from "./pixel-errors.js";
import { sharpness } from "./sharpness.js";
import { DEFAULT_HIGH_FREQUENCY_CUTOFF, highFrequencyEnergy } from "./spectrum.js";

/** The push strengths a C5 sweep tries by default: 1 is the trained outputs themselves. */
export const DEFAULT_PUSH_STRENGTHS: readonly number[] = [1, 1.5, 2, 3, 5];

/**
 * Each pixel y moved away from 1/2 by sigmoid(k * logit(y)) = y^k / (y^k + (1 - y)^k): k = 1 is the identity (the
 * input is copied), k > 1 pushes toward 0 and 1 (k -> Infinity thresholds at 1/2), 0 < k < 1 pulls toward 1/2.
 * 0, 1/2 and 1 are fixed points, and the power form needs no logit, so 0 and 1 stay finite. Throws on a pixel
 * outside [0, 1] or a k that is not a positive finite number.
 */
export function pushFromHalf(images: ImageSet, k: number): ImageSet {
  checkImageSet(images, "pushFromHalf");
  if (!(Number.isFinite(k) && k > 0)) throw new Error(`pushFromHalf: k must be a positive finite number (got ${k})`);
  const y = images.pixels;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`pushFromHalf: images must lie in [0, 1] (got ${v} at index ${i})`);
    if (k === 1) {
      out[i] = v;
      continue;
    }
    // Divide by the larger power so neither underflows to 0/0 for large k (0.3^1000 and 0.7^1000 both underflow).
    const r = (Math.min(v, 1 - v) / Math.max(v, 1 - v)) ** k;
    out[i] = v > 0.5 ? 1 / (1 + r) : v < 0.5 ? r / (1 + r) : 0.5;
  }
  return { ...images, pixels: out };
}

export interface PushRow {
  /** Push strength (1 = the trained outputs). */
  k: number;
  /** Gradient sharpness of the pushed outputs over that of the targets (sharpness.ts). */
  gradientRatio: number;
  /** Laplacian variance of the pushed outputs over that of the targets. */
  laplacianRatio: number;
  /** High-frequency energy of the pushed outputs over that of the targets (spectrum.ts). */
  highFrequencyRatio: number;
  /** Squared error to the targets, summed over an image's pixels, mean over images (pixelErrors' convention). */
  mse: number;
  /** Share of pushed output pixels in (0.1, 0.9): the manipulation itself, how far from mid-grey the push went. */
  midGreyShare: number;
}

/**
 * C5 ("pushing outputs away from 1/2 gives hard, pixellated edges") tested on edges rather than on the targets'
 * sharpness: the SAME trained outputs pushed away from 1/2 by each k, each measured against the SAME greyscale
 * targets. Comparing models trained on thresholded vs greyscale targets confounds the push with the targets (thresholded
 * digits are sharper to begin with); here only the push varies, so a rising gradient / Laplacian / high-frequency
 * ratio is what the push does to edges, and the MSE column is what it costs in fidelity to the data. Pass greyscale
 * targets (binarize "none"), and outputs of a model trained on them.
 */
export function pushSweep(
  outputs: ImageSet,
  targets: ImageSet,
  strengths: readonly number[] = DEFAULT_PUSH_STRENGTHS,
  cutoff = DEFAULT_HIGH_FREQUENCY_CUTOFF,
): PushRow[] {
  checkPair(outputs, targets, "pushSweep");
  if (strengths.length === 0) throw new Error("pushSweep: strengths must list at least one k");
  // The targets are the same for every k: measure them once.
  const targetSharpness = sharpness(targets);
  const targetEnergy = highFrequencyEnergy(targets, cutoff);
  return strengths.map((k) => {
    // k = 1 is the outputs themselves: the same array, so the spectrum computed for them elsewhere is reused.
    const pushed = k === 1 ? outputs : pushFromHalf(outputs, k);
    const s = sharpness(pushed);
    return {
      k,
      gradientRatio: s.gradient / targetSharpness.gradient,
      laplacianRatio: s.laplacianVariance / targetSharpness.laplacianVariance,
      highFrequencyRatio: highFrequencyEnergy(pushed, cutoff) / targetEnergy,
      mse: pixelErrors(pushed, targets).mse,
      midGreyShare: midGreyShare(pushed.pixels),
    };
  });
}
