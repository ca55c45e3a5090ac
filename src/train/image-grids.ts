import * as tf from "@tensorflow/tfjs";
import { type Split, unitFloats } from "../data/index.js";
import { cbClipLogits } from "../losses/likelihoods/index.js";
import type { Variant } from "../models/variant.js";
import type { ImageShape } from "../nn/modules.js";
import type { ImageBatch } from "../tensorboard/index.js";

async function toImageBatch(images: tf.Tensor4D, shape: ImageShape): Promise<ImageBatch> {
  return {
    pixels: (await images.data()) as Float32Array,
    count: images.shape[0],
    height: shape.height,
    width: shape.width,
    channels: shape.channels as 1 | 3,
  };
}

/**
 * Inputs and their reconstructions in alternating rows of `columns` images (row 1: inputs, row 2: their
 * reconstructions, ...), so each reconstruction sits right under its input in TensorBoard.
 */
export async function interleavedRows(inputs: tf.Tensor4D, reconstructions: tf.Tensor4D, columns: number, shape: ImageShape): Promise<ImageBatch> {
  const grid = tf.tidy(() => {
    const n = inputs.shape[0];
    const rows: tf.Tensor4D[] = [];
    for (let start = 0; start < n; start += columns) {
      const size = Math.min(columns, n - start);
      rows.push(tf.slice(inputs, [start, 0, 0, 0], [size, -1, -1, -1]));
      rows.push(tf.slice(reconstructions, [start, 0, 0, 0], [size, -1, -1, -1]));
    }
    return tf.concat(rows, 0);
  });
  try {
    return await toImageBatch(grid, shape);
  } finally {
    grid.dispose();
  }
}

/** The first `count` images of a split (a fixed set, so every epoch shows the same ones). */
export function firstImages(split: Split, count: number, shape: ImageShape): tf.Tensor4D {
  const n = Math.min(count, split.count);
  const pixels = shape.height * shape.width * shape.channels;
  return tf.tensor4d(unitFloats(split.images, 0, n * pixels), [n, shape.height, shape.width, shape.channels]);
}

export function imageBatch(images: tf.Tensor4D, shape: ImageShape): Promise<ImageBatch> {
  return toImageBatch(images, shape);
}

/**
 * Grids beyond the reconstruction (whose bottom rows show the likelihood's mean): for cbernoulli, the
 * same inputs over the decoder's λ = sigmoid(logits) under the tag `images/reconstruction_lambda`, since
 * a continuous Bernoulli's mean is much less extreme than its λ (λ = 0.9 has mean ≈ 0.67). Empty for the
 * other likelihoods, whose mean is their sigmoid.
 */
export async function likelihoodGrids(
  variant: Variant,
  inputs: tf.Tensor4D,
  columns: number,
  shape: ImageShape,
): Promise<Array<{ tag: string; batch: ImageBatch }>> {
  if (variant.likelihood?.kind !== "cbernoulli") return [];
  const lambda = tf.tidy(() => tf.sigmoid(cbClipLogits(variant.decodeLogits(variant.encode(inputs).embedding))) as tf.Tensor4D);
  try {
    return [{ tag: "images/reconstruction_lambda", batch: await interleavedRows(inputs, lambda, columns, shape) }];
  } finally {
    lambda.dispose();
  }
}
