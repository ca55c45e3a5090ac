import * as tf from "@tensorflow/tfjs";
import { bceWithLogits } from "../reconstruction.js";

/**
 * Logits are clipped to ±this, i.e. λ to [ε, 1 − ε] with ε float32's machine epsilon, as PyTorch's
 * ContinuousBernoulli clamps its probabilities. The clip is not cosmetic: at a target of exactly 0 the
 * density at λ → 0 grows like |logit|, so without it the NLL of MNIST's many black pixels has no lower
 * bound and training would push their logits to −∞.
 */
export const CB_LOGIT_LIMIT = Math.log((1 - 2 ** -23) / 2 ** -23);

/**
 * |logit| below which the Taylor branches are used. In logit space the exact expressions cancel (two
 * logs of nearly equal numbers; 1/(1 − e^−η) against 1/η for the mean), so float32 loses about
 * 1e-7/|η| absolutely; the truncated series are off by < 1e-7 (log C, the η⁶ term: 3.4e-4·η⁶) and
 * 3e-8 (mean, the η⁵ term: η⁵/30240) at the cutoff. PyTorch and the first TFP version cut at
 * λ ∈ (0.499, 0.501), |η| < 0.004, where float32's mean would already be off by ~3e-5.
 */
export const CB_TAYLOR_CUTOFF = 0.25;

/** The logits the distribution actually uses (see CB_LOGIT_LIMIT). */
export function cbClipLogits(logits: tf.Tensor): tf.Tensor {
  return tf.clipByValue(logits, -CB_LOGIT_LIMIT, CB_LOGIT_LIMIT);
}

/**
 * log C(λ), the log normaliser of the continuous Bernoulli (Loaiza-Ganem & Cunningham 2019), from logits
 * η = log(λ / (1 − λ)):
 *
 *   C(λ) = 2·atanh(1 − 2λ) / (1 − 2λ) = η / tanh(η/2),   C(½) = 2,
 *
 * since 1 − 2λ = −tanh(η/2) and 2·atanh(1 − 2λ) = −η. Exact branch (|η| ≥ CB_TAYLOR_CUTOFF):
 * log|η| − log|tanh(η/2)|. Near λ = ½ (|η| < CB_TAYLOR_CUTOFF):
 *
 *   log C = log 2 + η²/12 − 7η⁴/1440 + O(η⁶)
 *
 * (PyTorch's log 2 + 4/3·(λ−½)² + 104/45·(λ−½)⁴ written in η). The exact branch sees a logit kept away
 * from 0, so the branch not taken never yields an infinite value whose zero weight would still give NaN.
 * No clipping here: callers clip (cbClipLogits).
 */
export function cbLogNormalizer(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const near = nearHalf(logits);
    return blend(near, cbLogNormalizerTaylor(logits), cbLogNormalizerExact(awayFromHalf(near, logits)));
  });
}

/**
 * 1 where |η| < CB_TAYLOR_CUTOFF, else 0, as a float mask: a comparison op would sit on the gradient's
 * path, and tfjs has no gradient for Less (Step's is zero).
 */
function nearHalf(logits: tf.Tensor): tf.Tensor {
  return tf.step(tf.sub(CB_TAYLOR_CUTOFF, tf.abs(logits)));
}

/** The logits with those near ½ replaced by the cutoff, for the exact branches. */
function awayFromHalf(near: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(near, CB_TAYLOR_CUTOFF), tf.mul(tf.sub(1, near), logits));
}

/** near·a + (1 − near)·b: both are finite, so the branch not taken adds exactly 0, gradient included. */
function blend(near: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(near, a), tf.mul(tf.sub(1, near), b));
}

/** log|η| − log|tanh(η/2)|: log C away from λ = ½ (undefined at η = 0). */
export function cbLogNormalizerExact(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.log(tf.abs(logits)), tf.log(tf.abs(tf.tanh(tf.mul(logits, 0.5))))));
}

/** log 2 + η²/12 − 7η⁴/1440: log C near λ = ½. */
export function cbLogNormalizerTaylor(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const s = tf.square(logits);
    return tf.add(Math.LN2, tf.mul(s, tf.sub(1 / 12, tf.mul(s, 7 / 1440))));
  });
}

/**
 * E[x] of the continuous Bernoulli from logits: λ/(2λ − 1) + 1/(2·atanh(1 − 2λ)) = 1/(1 − e^−η) − 1/η,
 * and ½ + η/12 − η³/720 near λ = ½ (|η| < CB_TAYLOR_CUTOFF). λ = 0.9 has mean ≈ 0.670, not 0.9: the
 * mean, not λ, is the distribution's reconstruction. No clipping here: callers clip.
 */
export function cbMean(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const near = nearHalf(logits);
    const safe = awayFromHalf(near, logits);
    const exact = tf.sub(tf.reciprocal(tf.sub(1, tf.exp(tf.neg(safe)))), tf.reciprocal(safe));
    const taylor = tf.add(0.5, tf.mul(logits, tf.sub(1 / 12, tf.mul(tf.square(logits), 1 / 720))));
    return blend(near, taylor, exact);
  });
}

/**
 * Negative log density of targets x ∈ [0, 1] under CB(λ) per pixel: BCE(η, x) − log C(λ), with η
 * clipped as CB_LOGIT_LIMIT says. Unlike BCE on greyscale targets, this is a normalised density on [0, 1].
 */
export function cbNll(logits: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const clipped = cbClipLogits(logits);
    return tf.sub(bceWithLogits(clipped, target), cbLogNormalizer(clipped));
  });
}

/** The reconstruction a CB decoder stands for: E[x] under its (clipped) logits. */
export function cbMeanFromLogits(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => cbMean(cbClipLogits(logits)));
}
