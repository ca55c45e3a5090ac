import { unitFloats, type ImageShape, type Split } from "../data/index.js";
import type { ImageSet } from "./image-set.js";

export interface ClassMeans {
  /** Mean training image of class k at [k * perImage, (k + 1) * perImage); NaN for a class with no image. */
  means: Float32Array;
  /** Training images per class, indexed by label. */
  counts: number[];
}

/** The mean training image of every label (labels 0 .. max label), accumulated in float64. */
export function classMeans(train: Split, shape: ImageShape): ClassMeans {
  const perImage = checkSplit(train, shape, "train");
  let classes = 0;
  for (const label of train.labels) classes = Math.max(classes, label + 1);
  const sums = new Float64Array(classes * perImage);
  const counts = new Array<number>(classes).fill(0);
  for (let n = 0; n < train.count; n++) {
    const k = train.labels[n];
    counts[k]++;
    const from = n * perImage;
    const to = k * perImage;
    const image = unitFloats(train.images, from, from + perImage);
    for (let i = 0; i < perImage; i++) sums[to + i] += image[i];
  }
  const means = new Float32Array(classes * perImage);
  for (let k = 0; k < classes; k++) for (let i = 0; i < perImage; i++) means[k * perImage + i] = sums[k * perImage + i] / counts[k];
  return { means, counts };
}

/**
 * The class-mean oracle: predicts every test image by the mean training image of its class, E[x | label] as the
 * training split estimates it. It is a conditional-mean model (what MSE training converges to for a code that
 * carries only the label), so it is unbiased in the sense of C4: its reliability diagram (reliability.ts) is flat at
 * zero and its reliability pull is 0, while its signed error on pixels with x > 0, its signed errors by target
 * intensity and its pullTowardHalf are not. Shown beside the models, it tells which of those numbers an unbiased
 * model would score anyway.
 *
 * Returns the predictions as an ImageSet of the test split's shape, the form the metrics take. Pass the training
 * images as the runs' targets were made: thresholded for "threshold" runs; greyscale for "none", and for "bernoulli"
 * too (the greyscale mean is the expectation of the Bernoulli draws, so it is their conditional mean). Throws when a
 * test label has no training image.
 */
export function classMeanOracle(train: Split, test: Split, shape: ImageShape): ImageSet {
  const perImage = checkSplit(test, shape, "test");
  const { means, counts } = classMeans(train, shape);
  const pixels = new Float32Array(test.count * perImage);
  for (let n = 0; n < test.count; n++) {
    const k = test.labels[n];
    if (!(counts[k] > 0)) throw new Error(`classMeanOracle: test image ${n} has label ${k}, which no training image has`);
    pixels.set(means.subarray(k * perImage, (k + 1) * perImage), n * perImage);
  }
  return { pixels, count: test.count, height: shape.height, width: shape.width, channels: shape.channels };
}

/** Pixels per image, after checking that the split's images and labels agree with its count and the shape. */
function checkSplit(split: Split, shape: ImageShape, name: string): number {
  const where = `classMeanOracle: ${name}`;
  const { height, width, channels } = shape;
  for (const [key, value] of Object.entries({ height, width, channels })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`classMeanOracle: shape.${key} must be a positive integer (got ${value})`);
  }
  const perImage = height * width * channels;
  if (!Number.isInteger(split.count) || split.count < 0) throw new Error(`${where}.count must be a non-negative integer (got ${split.count})`);
  if (split.images.length !== split.count * perImage) {
    throw new Error(`${where}.images has ${split.images.length} values but count x height x width x channels = ${split.count * perImage}`);
  }
  if (split.labels.length !== split.count) throw new Error(`${where}.labels has ${split.labels.length} labels for ${split.count} images`);
  return perImage;
}
