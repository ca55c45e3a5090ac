import { streamFor } from "../random/rng.js";
import { DataError } from "./errors.js";
import { pixelsLike, type Split } from "./split.js";

/** Which examples of a training split train and which validate; positions into that split. */
export interface ValidationIndices {
  /** Ascending, so the training set keeps the split's own order (and a trainLimit prefix its class mix). */
  train: Uint32Array;
  /** Ascending. */
  validation: Uint32Array;
}

/**
 * Holds out `fraction` of a training split for validation, stratified by class: within each label a
 * seeded permutation picks round(n_c * fraction) examples, so the validation set keeps the split's class
 * proportions. The stream is named by the seed alone, so the same seed always holds out the same
 * examples. Only ever applied to the training split: the test split is never looked at.
 */
export function validationIndices(labels: Uint8Array, fraction: number, seed: number): ValidationIndices {
  if (!(fraction > 0 && fraction < 1)) throw new DataError(`validation fraction must be between 0 and 1, exclusive (got ${fraction})`);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const rng = streamFor(seed, "data/validation-split");
  const held = new Uint8Array(labels.length);
  // Classes in label order, so the stream's draws do not depend on which label comes first in the data.
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    const take = Math.round(members.length * fraction);
    const order = rng.permutation(members.length);
    for (let i = 0; i < take; i++) held[members[order[i]]] = 1;
  }
  const validationCount = held.reduce((sum, h) => sum + h, 0);
  if (validationCount === 0 || validationCount === labels.length) {
    throw new DataError(
      `data.validation ${fraction} of ${labels.length} training examples leaves ${labels.length - validationCount} to train and ${validationCount} to validate; both need at least one`,
    );
  }
  const train = new Uint32Array(labels.length - validationCount);
  const validation = new Uint32Array(validationCount);
  for (let i = 0, t = 0, v = 0; i < labels.length; i++) {
    if (held[i]) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** The examples of `split` at `indices`, copied (the validation set is small; the training set is not copied). */
export function gatherSplit(split: Split, indices: Uint32Array): Split {
  const perImage = split.images.length / split.count;
  const images = pixelsLike(split.images, indices.length * perImage);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, i) => {
    images.set(split.images.subarray(src * perImage, (src + 1) * perImage), i * perImage);
    labels[i] = split.labels[src];
  });
  return { images, labels, count: indices.length };
}
