import * as tf from "@tensorflow/tfjs";
import { batches, identityOrder, type Split } from "../data/index.js";
import { gaussianKlPerDimension } from "../losses/kl.js";
import { pixelLoss, sumPerExample, type ReconKind } from "../losses/reconstruction.js";
import type { Noise, StepContext, Variant } from "../models/variant.js";
import type { ImageShape } from "../nn/modules.js";
import { ScalarAccumulator } from "./accumulator.js";
import { weightedTotal } from "./step.js";

/** Every run reports all three pixel losses of its deterministic reconstruction, whatever loss it trained on. */
const PIXEL_METRICS: readonly ReconKind[] = ["mse", "bce", "l1"];

/** A code dimension is active if its mean code varies over the data by more than this (Burda et al. 2016). */
export const ACTIVE_UNIT_THRESHOLD = 0.01;

export interface Evaluation {
  /** Test-split means: `<phase>/<term>`, `<phase>/loss`, `diagnostics/<name>`, mse, bce, l1. */
  scalars: Record<string, number>;
  /** Variance over the test split of each code dimension's mean (the embedding). */
  codeVariance: number[];
  activeUnits: number;
  /** Mean KL to N(0, 1) of each code dimension, for a Gaussian latent. */
  klPerDimension?: number[];
}

/**
 * Test-split means of every phase's loss terms and diagnostics (phases run in order, sharing as in
 * training, with the given noise for sampled codes and prior draws), the pixel metrics of the
 * deterministic reconstruction, and per-dimension code statistics. Reduction as in training.
 */
export function evaluate(variant: Variant, split: Split, batchSize: number, shape: ImageShape, noise: Noise): Evaluation {
  const sums = new ScalarAccumulator();
  const d = variant.latentSize;
  let codeSum = tf.zeros([d]);
  let codeSquares = tf.zeros([d]);
  let klSum: tf.Tensor | undefined;
  const replace = (old: tf.Tensor, next: tf.Tensor) => {
    old.dispose();
    return tf.keep(next);
  };
  for (const batch of batches(split, batchSize, identityOrder(split.count), shape)) {
    const n = batch.x.shape[0];
    tf.tidy(() => {
      const values = new Map<string, tf.Scalar>();
      const shared = new Map<string, tf.Tensor>();
      const ctx: StepContext = { x: batch.x, noise, shared };
      for (const phase of variant.phases) {
        const result = phase.run(ctx);
        for (const [name, t] of Object.entries(result.share ?? {})) shared.set(name, t);
        for (const term of result.terms) values.set(`${phase.name}/${term.name}`, term.value);
        values.set(`${phase.name}/loss`, weightedTotal(result.terms));
        for (const [name, t] of Object.entries(result.diagnostics ?? {})) values.set(`diagnostics/${name}`, t);
      }
      const logits = variant.reconstructLogits(batch.x);
      for (const kind of PIXEL_METRICS) values.set(kind, tf.mean(sumPerExample(pixelLoss(kind, logits, batch.x))) as tf.Scalar);
      sums.add(values, n);

      const { embedding, logVariance } = variant.encode(batch.x);
      codeSum = replace(codeSum, tf.add(codeSum, tf.sum(embedding, 0)));
      codeSquares = replace(codeSquares, tf.add(codeSquares, tf.sum(tf.square(embedding), 0)));
      if (logVariance) {
        const kl = tf.sum(gaussianKlPerDimension(embedding, logVariance), 0);
        klSum = klSum ? replace(klSum, tf.add(klSum, kl)) : tf.keep(kl);
      }
    });
    batch.x.dispose();
  }
  const { means } = sums.drain();
  const count = split.count;
  const mean = Array.from(codeSum.dataSync(), (s) => s / count);
  const codeVariance = Array.from(codeSquares.dataSync(), (s, i) => Math.max(0, s / count - mean[i] * mean[i]));
  const klPerDimension = klSum ? Array.from(klSum.dataSync(), (s) => s / count) : undefined;
  tf.dispose([codeSum, codeSquares, ...(klSum ? [klSum] : [])]);
  return {
    scalars: Object.fromEntries(means),
    codeVariance,
    activeUnits: codeVariance.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length,
    klPerDimension,
  };
}
