import * as tf from "@tensorflow/tfjs";
import type { GanLossKind } from "../losses/gan.js";

/**
 * The names (under diagnostics/) of what every adversarial term logs of its discriminator's balance:
 * its mean raw output (logit, or score) on real inputs and on all fakes, and the share it classifies
 * right. The adversarial-balance observer reads them at each logging point.
 */
export const BALANCE_DIAGNOSTICS = {
  logitReal: "D_logit_real",
  logitFake: "D_logit_fake",
  accuracy: "D_accuracy",
} as const;

/**
 * Where the discriminator's raw output turns from "fake" to "real": 0 for bce (sigmoid 0.5) and hinge
 * (its margins are +-1), 0.5 for lsgan, whose targets are 1 for real and 0 for fake.
 */
export function decisionBoundary(kind: GanLossKind): number {
  return kind === "lsgan" ? 0.5 : 0;
}

/**
 * The balance diagnostics of one discriminator pass, as scalars on the backend (the loop sums them there;
 * nothing is read back). Accuracy is balanced: the mean of the share of real inputs above the boundary and
 * the share of fakes below it, so chance is 0.5 whatever the number of kinds of fake (vaegan's two kinds
 * outnumber its real inputs two to one) and a discriminator that calls everything real scores 0.5 too.
 * Each logit of a PatchGAN counts as one verdict.
 */
export function balanceDiagnostics(kind: GanLossKind, real: tf.Tensor2D, fakes: readonly tf.Tensor2D[]): Record<string, tf.Scalar> {
  return tf.tidy(() => {
    const boundary = decisionBoundary(kind);
    const fake = fakes.length === 1 ? fakes[0] : tf.concat(fakes.map((f) => f.flatten()));
    const realRight = tf.mean(tf.cast(tf.greater(real, boundary), "float32"));
    const fakeRight = tf.mean(tf.cast(tf.less(fake, boundary), "float32"));
    return {
      [BALANCE_DIAGNOSTICS.logitReal]: tf.mean(real) as tf.Scalar,
      [BALANCE_DIAGNOSTICS.logitFake]: tf.mean(fake) as tf.Scalar,
      [BALANCE_DIAGNOSTICS.accuracy]: tf.mul(tf.add(realRight, fakeRight), 0.5) as tf.Scalar,
    };
  });
}
