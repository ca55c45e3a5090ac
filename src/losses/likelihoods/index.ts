import * as tf from "@tensorflow/tfjs";
import { pixelLoss, sumPerExample, type ReconKind } from "../reconstruction.js";
import { cbMeanFromLogits } from "./continuous-bernoulli.js";
import { buildRegisteredLikelihood } from "./registered.js";
import { isBuiltInLikelihood, registeredLikelihood, type RegisteredLikelihoodName } from "./registry.js";
import { gaussianNll, laplaceNll, optimalLogScale, softClipLogScale, type ScaleSpec } from "./scaled.js";

export {
  CB_LOGIT_LIMIT,
  CB_TAYLOR_CUTOFF,
  cbClipLogits,
  cbLogNormalizer,
  cbLogNormalizerExact,
  cbLogNormalizerTaylor,
  cbMean,
  cbMeanFromLogits,
  cbNll,
} from "./continuous-bernoulli.js";
export {
  BUILT_IN_LIKELIHOODS,
  BUILT_IN_RECON,
  reconNames,
  registerLikelihood,
  registeredLikelihood,
  type LikelihoodDefinition,
  type RegisteredLikelihoodName,
} from "./registry.js";
export { MIN_LOG_SCALE, gaussianNll, laplaceNll, optimalLogScale, softClipLogScale, stopGradient, type ScaleSpec } from "./scaled.js";

export type LikelihoodKind = ReconKind | "gaussian" | "laplace";

/** The parts of `model` that choose a likelihood. */
export interface LikelihoodSpec {
  recon: LikelihoodKind | RegisteredLikelihoodName;
  scale?: ScaleSpec;
}

/**
 * The reconstruction likelihood p(x | z) of a decoder that emits logits: its negative log-likelihood
 * (summed over pixels), its mean (what images and metrics show) and the scale it used (logged).
 */
export interface Likelihood {
  readonly kind: LikelihoodKind | RegisteredLikelihoodName;
  /** Negative log-likelihood per example, summed over pixels. */
  nllPerExample(logits: tf.Tensor, target: tf.Tensor): tf.Tensor1D;
  /** The training loss: nllPerExample averaged over the batch. */
  loss(logits: tf.Tensor, target: tf.Tensor): tf.Scalar;
  /** E[x] per pixel, in [0, 1]: sigmoid(logits) for every likelihood but cbernoulli. */
  mean(logits: tf.Tensor): tf.Tensor;
  /** Scalars worth logging (σ or b of gaussian and laplace); empty for the others. */
  diagnostics(logits: tf.Tensor, target: tf.Tensor): Record<string, tf.Scalar>;
}

/** Whether `recon` needs `scale`. */
export function isScaled(recon: string): recon is "gaussian" | "laplace" {
  return recon === "gaussian" || recon === "laplace";
}

/**
 * Whether a likelihood's NLL is a normalised density of the targets, so its importance-weighted bound is
 * a log p(x): cbernoulli, gaussian and laplace on [0, 1]; bce only when the targets are binary; a
 * registered likelihood where its definition says so.
 */
export function isProperDensity(recon: string, binarized: boolean): boolean {
  return recon === "cbernoulli" || isScaled(recon) || (recon === "bce" && binarized) || registeredLikelihood(recon)?.properDensity?.(binarized) === true;
}

/** The name a likelihood's scale is logged under (diagnostics/likelihood/<name>). */
export function scaleName(recon: "gaussian" | "laplace"): string {
  return recon === "gaussian" ? "sigma" : "scale";
}

/**
 * Builds the likelihood `spec` names. `learnedLogScale` reads the decoder's log-scale weight (inside the
 * caller's gradient tape, so the decoder's optimizer trains it); it is needed exactly when scale is
 * "learned".
 */
export function buildLikelihood(spec: LikelihoodSpec, learnedLogScale?: () => tf.Scalar): Likelihood {
  const { recon } = spec;
  if (!isBuiltInLikelihood(recon)) return buildRegisteredLikelihood(recon);
  const mean = (logits: tf.Tensor) => tf.tidy(() => (recon === "cbernoulli" ? cbMeanFromLogits(logits) : tf.sigmoid(logits)));
  if (!isScaled(recon)) {
    const nllPerExample = (logits: tf.Tensor, target: tf.Tensor) => tf.tidy(() => sumPerExample(pixelLoss(recon, logits, target)));
    return {
      kind: recon,
      nllPerExample,
      loss: (logits, target) => tf.tidy(() => tf.mean(nllPerExample(logits, target)) as tf.Scalar),
      mean,
      diagnostics: () => ({}),
    };
  }
  const scale = spec.scale;
  if (scale === undefined) throw new Error(`likelihood ${recon} needs a scale (a number, learned or optimal)`);
  if (scale === "learned" && !learnedLogScale) throw new Error(`likelihood ${recon} with a learned scale needs the decoder's log-scale weight`);
  const logScale = (logits: tf.Tensor, target: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      if (scale === "optimal") return optimalLogScale(recon, logits, target);
      if (scale === "learned") return softClipLogScale(learnedLogScale!()) as tf.Scalar;
      return tf.scalar(Math.log(scale));
    });
  const perPixel = recon === "gaussian" ? gaussianNll : laplaceNll;
  const nllPerExample = (logits: tf.Tensor, target: tf.Tensor) => tf.tidy(() => sumPerExample(perPixel(logits, target, logScale(logits, target))));
  return {
    kind: recon,
    nllPerExample,
    loss: (logits, target) => tf.tidy(() => tf.mean(nllPerExample(logits, target)) as tf.Scalar),
    mean,
    diagnostics: (logits, target) => ({ [`likelihood/${scaleName(recon)}`]: tf.tidy(() => tf.exp(logScale(logits, target)) as tf.Scalar) }),
  };
}
