import { pixelsLike, type Dataset, type ImageShape, type Pixels, type Split } from "../data/index.js";
import type { Rng } from "../random/rng.js";
import type { FeatureObjective } from "../config/feature-network-spec.js";

/** The four shape-preserving flips the `flips` objective predicts, in label order. */
export const FLIPS = ["none", "left-right", "up-down", "half turn"] as const;

/** `classes` where the dataset has labels, `flips` (self-supervised) where it has none. */
export function objectiveFor(dataset: Pick<Dataset, "labelled">): FeatureObjective {
  return dataset.labelled === false ? "flips" : "classes";
}

/** Head outputs: one per class (at least 10, as the MLP classifier), or one per flip. */
export function headsFor(objective: FeatureObjective, dataset: Pick<Dataset, "classes" | "train" | "test">): number {
  if (objective === "flips") return FLIPS.length;
  let labels = dataset.classes?.length ?? 0;
  for (const split of [dataset.train, dataset.test]) for (const label of split.labels) labels = Math.max(labels, label + 1);
  return Math.max(10, labels);
}

/**
 * The split as the objective sees it: unchanged for `classes`; for `flips`, every image flipped by a
 * flip drawn from `rng` and labelled with that flip's index in FLIPS.
 */
export function objectiveSplit<P extends Pixels>(
  split: Split & { images: P },
  shape: ImageShape,
  objective: FeatureObjective,
  rng: Rng,
): Split & { images: P } {
  if (objective === "classes") return split;
  const { height: h, width: w, channels: c } = shape;
  const perImage = h * w * c;
  const out = pixelsLike(split.images, split.images.length) as P;
  const labels = new Uint8Array(split.count);
  for (let n = 0; n < split.count; n++) {
    const flip = rng.int(FLIPS.length);
    labels[n] = flip;
    const flipX = flip === 1 || flip === 3;
    const flipY = flip === 2 || flip === 3;
    const base = n * perImage;
    for (let y = 0; y < h; y++) {
      const fromY = flipY ? h - 1 - y : y;
      for (let x = 0; x < w; x++) {
        const fromX = flipX ? w - 1 - x : x;
        const to = base + (y * w + x) * c;
        const from = base + (fromY * w + fromX) * c;
        for (let k = 0; k < c; k++) out[to + k] = split.images[from + k];
      }
    }
  }
  return { ...split, images: out, labels };
}
