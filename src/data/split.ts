/**
 * Pixels as intensities in [0, 1]: floats, or bytes where k stands for k / 255. Decoded image files stay
 * bytes in memory and become floats one batch at a time, so 50,000 64x64 colour images take 0.6 GB, not 2.4.
 */
export type Pixels = Float32Array | Uint8Array;

/** One part of a dataset (train or test), images flattened as N*H*W*C intensities (floats in [0, 1] or bytes). */
export interface Split {
  images: Pixels;
  labels: Uint8Array;
  count: number;
}

/** A split whose pixels are floats: what evaluation and the metrics read. */
export interface FloatSplit extends Split {
  images: Float32Array;
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * `pixels[start, end)` as floats in [0, 1]: float pixels themselves (or a view), a new array for bytes (k / 255, the
 * same float whoever converts, so a byte dataset gives the same batches as its float twin).
 */
export function unitFloats(pixels: Pixels, start = 0, end = pixels.length): Float32Array {
  if (pixels instanceof Float32Array) return start === 0 && end === pixels.length ? pixels : pixels.subarray(start, end);
  const out = new Float32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = pixels[i] / 255;
  return out;
}

/** An empty pixel array of the same kind as `like`. */
export function pixelsLike(like: Pixels, length: number): Pixels {
  return like instanceof Uint8Array ? new Uint8Array(length) : new Float32Array(length);
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
