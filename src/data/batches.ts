import * as tf from "@tensorflow/tfjs";
import { DataError } from "./errors.js";
import { unitFloats, type ImageShape, type Split } from "./split.js";

export interface Batch {
  /** [b, height, width, channels]; the caller disposes it. */
  x: tf.Tensor4D;
  labels: Uint8Array;
  /** 0-based position of this batch in the epoch. */
  index: number;
}

export interface BatchOptions {
  /** Skip a last batch smaller than batchSize (default false: it is yielded, smaller). */
  dropLast?: boolean;
}

/**
 * Yields the examples of `split` in `order` (rng.permutation(count) to train, identity to evaluate),
 * batchSize at a time. Each tensor is made only when its batch is reached, so stopping early leaks
 * nothing; disposing each `x` is the caller's job.
 */
export function* batches(split: Split, batchSize: number, order: Uint32Array, shape: ImageShape, options: BatchOptions = {}): Generator<Batch> {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new DataError(`batchSize must be a positive integer (got ${batchSize})`);
  }
  const perImage = shape.height * shape.width * shape.channels;
  if (split.images.length !== split.count * perImage || split.labels.length !== split.count) {
    throw new DataError(
      `split of ${split.count} examples holds ${split.images.length} pixels and ${split.labels.length} labels, ` +
        `but ${shape.height}x${shape.width}x${shape.channels} images need ${split.count * perImage} pixels`,
    );
  }
  const end = options.dropLast ? order.length - (order.length % batchSize) : order.length;
  for (let start = 0, index = 0; start < end; start += batchSize, index++) {
    const b = Math.min(batchSize, end - start);
    const pixels = new Float32Array(b * perImage);
    const labels = new Uint8Array(b);
    for (let i = 0; i < b; i++) {
      const src = order[start + i];
      if (src >= split.count) {
        throw new DataError(`batch order holds index ${src}, but the split has only ${split.count} examples`);
      }
      pixels.set(unitFloats(split.images, src * perImage, (src + 1) * perImage), i * perImage);
      labels[i] = split.labels[src];
    }
    yield { x: tf.tensor4d(pixels, [b, shape.height, shape.width, shape.channels]), labels, index };
  }
}

/** 0, 1, ..., n-1: the order for evaluation. */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
