import { createHash } from "node:crypto";
import type { Dataset } from "./dataset.js";

// Enough pixels, spread over every train image, that two datasets of the same name, source, size and
// shape (another seed's split, a different folder's files) get different keys; hashing all of
// Fashion-MNIST's 47M pixels would cost more than loading the cached classifier.
const SAMPLED_PIXELS = 4096;

/**
 * Identifies a dataset's train split for the caches of networks trained on it (classifier, feature networks): `<name>-<H>x<W>x<C>-n<train count>-<hash>`,
 * the hash covering name, source, shape, count, all train labels and SAMPLED_PIXELS pixels evenly spaced
 * over the train images. The test split is not part of it: it trains nothing (accuracy is measured anew).
 */
export function datasetKey(dataset: Dataset): string {
  const { name, source, height, width, channels, train } = dataset;
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ name, source, height, width, channels, count: train.count }));
  hash.update(train.labels);
  const pixels = train.images;
  const sample = new Float32Array(Math.min(SAMPLED_PIXELS, pixels.length));
  for (let i = 0; i < sample.length; i++) sample[i] = pixels[Math.floor((i * pixels.length) / sample.length)];
  hash.update(new Uint8Array(sample.buffer));
  return `${slug(name)}-${height}x${width}x${channels}-n${train.count}-${hash.digest("hex").slice(0, 12)}`;
}

/** A folder-name-safe version of a dataset name (IDX datasets are named after their folder). */
function slug(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[._-]+/, "");
  return (s || "dataset").slice(0, 40);
}
