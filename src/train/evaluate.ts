import * as tf from "@tensorflow/tfjs";
import { batches, identityOrder, type Split } from "../data/index.js";
import { gaussianKlPerDimension } from "../losses/kl.js";
import { iwaeLogLikelihood } from "../losses/likelihoods/iwae.js";
import { pixelLoss, sumPerExample, type ReconKind } from "../losses/reconstruction.js";
import type { Noise, StepContext, Variant } from "../models/variant.js";
import type { ImageShape } from "../nn/modules.js";
import { ScalarAccumulator } from "./accumulator.js";
import { weightedTotal } from "./step.js";

/**
 * Every run reports all three pixel losses of its deterministic reconstruction, whatever loss it trained
 * on; for cbernoulli, of the distribution's mean E[x] (reconstructLogits are its logits).
 */
const PIXEL_METRICS: readonly ReconKind[] = ["mse", "bce", "l1"];

/** A code dimension is active if its mean code varies over the data by more than this (Burda et al. 2016). */
export const ACTIVE_UNIT_THRESHOLD = 0.01;

export interface EvaluateOptions {
  /**
   * k > 0: also estimate log p(x) by the importance-weighted bound with k samples per image (VAEs whose
   * likelihood is a proper density, see isProperDensity), as `nll` (nats per image) and `bpd` (bits per
   * dimension). Costs k decoder passes per test image.
   */
  iwaeSamples?: number;
  /**
   * Where the importance samples come from: a stream of their own, so that asking for nll leaves every
   * other number as the run logged it. Defaults to `noise`.
   */
  iwaeNoise?: Noise;
}

export interface Evaluation {
  /** Test-split means: `<phase>/<term>`, `<phase>/loss`, `diagnostics/<name>`, mse, bce, l1 (and nll, bpd). */
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
export async function evaluate(
  variant: Variant,
  split: Split,
  batchSize: number,
  shape: ImageShape,
  noise: Noise,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const iwaeSamples = options.iwaeSamples ?? 0;
  const iwaeNoise = options.iwaeNoise ?? noise;
  const likelihood = variant.likelihood;
  if (iwaeSamples > 0 && !likelihood) throw new Error(`variant ${variant.name} has no likelihood to estimate log p(x) with`);
  const dimensions = shape.height * shape.width * shape.channels;
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
      const ctx: StepContext = { x: batch.x, noise, shared, training: false };
      for (const phase of variant.phases) {
        const result = phase.run(ctx);
        for (const [name, t] of Object.entries(result.share ?? {})) shared.set(name, t);
        for (const term of result.terms) values.set(`${phase.name}/${term.name}`, term.value);
        values.set(`${phase.name}/loss`, weightedTotal(result.terms));
        for (const [name, t] of Object.entries(result.diagnostics ?? {})) values.set(`diagnostics/${name}`, t);
      }
      const logits = variant.reconstructLogits(batch.x);
      for (const kind of PIXEL_METRICS) values.set(kind, tf.mean(sumPerExample(pixelLoss(kind, logits, batch.x))) as tf.Scalar);
      const { embedding, logVariance } = variant.encode(batch.x);
      if (iwaeSamples > 0 && likelihood) {
        if (!logVariance) throw new Error(`variant ${variant.name} has no Gaussian q(z | x): log p(x) needs a VAE`);
        const logPx = iwaeLogLikelihood(
          embedding,
          logVariance,
          iwaeSamples,
          (s) => iwaeNoise.normal(s),
          (z) => tf.neg(likelihood.nllPerExample(variant.decodeLogits(z), batch.x)) as tf.Tensor1D,
        );
        const nll = tf.neg(tf.mean(logPx)) as tf.Scalar;
        values.set("nll", nll);
        values.set("bpd", tf.div(nll, dimensions * Math.LN2) as tf.Scalar);
      }
      sums.add(values, n);

      codeSum = replace(codeSum, tf.add(codeSum, tf.sum(embedding, 0)));
      codeSquares = replace(codeSquares, tf.add(codeSquares, tf.sum(tf.square(embedding), 0)));
      if (logVariance) {
        const kl = tf.sum(gaussianKlPerDimension(embedding, logVariance), 0);
        klSum = klSum ? replace(klSum, tf.add(klSum, kl)) : tf.keep(kl);
      }
    });
    batch.x.dispose();
  }
  const { means } = await sums.drain();
  const count = split.count;
  const mean = Array.from(await codeSum.data(), (s) => s / count);
  const codeVariance = Array.from(await codeSquares.data(), (s, i) => Math.max(0, s / count - mean[i] * mean[i]));
  const klPerDimension = klSum ? Array.from(await klSum.data(), (s) => s / count) : undefined;
  tf.dispose([codeSum, codeSquares, ...(klSum ? [klSum] : [])]);
  return {
    scalars: Object.fromEntries(means),
    codeVariance,
    activeUnits: codeVariance.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length,
    klPerDimension,
  };
}
