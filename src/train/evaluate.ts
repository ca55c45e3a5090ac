import * as tf from "@tensorflow/tfjs";
import { batches, identityOrder, type Split } from "../data/index.js";
import { pixelLoss, sumPerExample, type ReconKind } from "../losses/reconstruction.js";
import type { Noise, Variant } from "../models/variant.js";
import type { ImageShape } from "../nn/modules.js";
import { ScalarAccumulator } from "./accumulator.js";

/** Every run reports all three pixel losses of its deterministic reconstruction, whatever loss it trained on. */
const PIXEL_METRICS: readonly ReconKind[] = ["mse", "bce", "l1"];

/**
 * Test-split means of every phase's loss terms (with the given noise for sampled codes) and of the pixel
 * metrics of the deterministic reconstruction. Reduction as in training: summed over pixels, averaged
 * over examples.
 */
export function evaluate(variant: Variant, split: Split, batchSize: number, shape: ImageShape, noise: Noise): Record<string, number> {
  const sums = new ScalarAccumulator();
  for (const batch of batches(split, batchSize, identityOrder(split.count), shape)) {
    const n = batch.x.shape[0];
    tf.tidy(() => {
      const values = new Map<string, tf.Scalar>();
      let total = tf.scalar(0);
      for (const phase of variant.phases) {
        for (const term of phase.losses(batch.x, noise)) {
          const tag = variant.phases.length === 1 ? term.name : `${phase.name}/${term.name}`;
          values.set(tag, term.value);
          total = tf.add(total, tf.mul(term.value, term.weight));
        }
      }
      if (variant.phases.length === 1) values.set("loss", total);
      const logits = variant.reconstructLogits(batch.x);
      for (const kind of PIXEL_METRICS) values.set(kind, tf.mean(sumPerExample(pixelLoss(kind, logits, batch.x))) as tf.Scalar);
      sums.add(values, n);
    });
    batch.x.dispose();
  }
  const { means } = sums.drain();
  return Object.fromEntries(means);
}
