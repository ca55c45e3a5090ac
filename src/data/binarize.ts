import type { Rng } from "../random/rng.js";
import { DataError } from "./errors.js";
import { unitFloats, type Pixels } from "./split.js";

export type BinarizeMode = "none" | "threshold" | "bernoulli";

export const BINARIZE_MODES: readonly BinarizeMode[] = ["none", "threshold", "bernoulli"];

/**
 * Turns intensities in [0, 1] into 0/1 pixels, as Bernoulli likelihoods (BCE) assume.
 * - "none": returns float `images` themselves, not a copy (bytes become floats).
 * - "threshold": 1 where the pixel is > threshold (default 0.5); deterministic, `rng` is not used.
 * - "bernoulli": 1 with probability = intensity, drawing from `rng` (dynamic binarization, as in
 *   Salakhutdinov & Murray 2008); call it once per epoch with that epoch's stream to re-sample.
 */
export function binarize(pixels: Pixels, mode: BinarizeMode, rng: Rng, threshold = 0.5): Float32Array {
  const images = unitFloats(pixels);
  switch (mode) {
    case "none":
      return images;
    case "threshold": {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new DataError(`binarize threshold must be in [0, 1] (got ${threshold})`);
      }
      const out = new Float32Array(images.length);
      for (let i = 0; i < images.length; i++) out[i] = images[i] > threshold ? 1 : 0;
      return out;
    }
    case "bernoulli": {
      const out = new Float32Array(images.length);
      for (let i = 0; i < images.length; i++) {
        const p = images[i];
        // About 80% of MNIST pixels are exactly 0: skipping the draw for certain outcomes makes an epoch
        // of Fashion-MNIST several times faster, and the stream stays a pure function of the data.
        if (p <= 0) continue;
        out[i] = p >= 1 || rng.next() < p ? 1 : 0;
      }
      return out;
    }
    default:
      throw new DataError(`unknown binarize mode "${mode as string}"; use one of ${BINARIZE_MODES.join(", ")}`);
  }
}
