/** One part of a dataset (train or test), images flattened as N*H*W*C floats in [0, 1]. */
export interface Split {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * The first `n` examples of a split, copied: a view would keep the whole source buffer alive
 * (188 MB for Fashion-MNIST's train images) for the sake of a small subset.
 */
export function takePrefix(split: Split, n: number): Split {
  if (n >= split.count) return split;
  const perImage = split.images.length / split.count;
  return { images: split.images.slice(0, n * perImage), labels: split.labels.slice(0, n), count: n };
}
