import { streamFor, type Rng } from "../random/rng.js";
import { binarize, type BinarizeMode } from "./binarize.js";
import type { Pixels, Split } from "./split.js";

// Keyed by the images array, so the cache lives exactly as long as the split's data does.
const thresholded = new WeakMap<Pixels, Map<number, Float32Array>>();

/**
 * The training split for one epoch. For "bernoulli" the pixels are re-sampled from a stream named by
 * the run seed and the epoch alone, so epoch k sees the same pixels whether the run was resumed or not.
 * "none" returns the split itself; "threshold" is computed once per (split, threshold) and cached.
 */
export function epochData(split: Split, mode: BinarizeMode, epoch: number, seed: number, threshold = 0.5): Split {
  switch (mode) {
    case "none":
      return split;
    case "threshold": {
      let byThreshold = thresholded.get(split.images);
      if (byThreshold === undefined) thresholded.set(split.images, (byThreshold = new Map()));
      let images = byThreshold.get(threshold);
      if (images === undefined) {
        images = binarize(split.images, mode, streamFor(seed, "data/threshold"), threshold);
        byThreshold.set(threshold, images);
      }
      return { ...split, images };
    }
    default:
      return { ...split, images: binarize(split.images, mode, bernoulliStream(seed, epoch), threshold) };
  }
}

/** The stream epoch `epoch` binarizes with; exported so a test (or an eval) can name the same one. */
export function bernoulliStream(seed: number, epoch: number): Rng {
  return streamFor(seed, `data/bernoulli/epoch-${epoch}`);
}
