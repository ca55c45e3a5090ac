import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../config/errors.js";
import type { AdversarialSpec } from "../config/schema.js";
import { adaptiveWeight, detach } from "../losses/adaptive-weight.js";
import type { StepContext } from "./variant.js";

/**
 * lambda, the weight of the fool-the-discriminator term, per `adversarial.balance`. Adaptive and ratio
 * lambdas are computed on the backend every training step (never read back) and are constants for the
 * update; evaluation uses the last training step's. Their state (the last lambda, the ratio's running
 * means) lives in non-trainable variables outside the networks, which the variant offers as its `state`,
 * so checkpoints carry it and a resumed run continues exactly.
 */
export interface AdversarialWeight {
  /** lambda for this step's term; `recon` and `adversarial` are the unweighted terms just computed. */
  lambda(ctx: StepContext, recon: tf.Scalar, adversarial: tf.Scalar): number | tf.Scalar;
  /** Whether lambda changes during training, and so is worth logging (diagnostics/adversarial_weight). */
  readonly varies: boolean;
  /** The variables a checkpoint must carry, by name (none for a fixed lambda). */
  readonly state: Readonly<Record<string, tf.Variable>>;
  dispose(): void;
}

/**
 * The kernel of the last layer that has one (VQGAN's decoder.conv_out.weight): where the adaptive weight
 * compares gradients. Layers after it without a kernel (a reshape, a learned likelihood scale) are passed over.
 */
export function lastLayerKernel(model: tf.LayersModel): tf.Variable {
  for (const layer of [...model.layers].reverse()) {
    const kernel = layer.trainableWeights.find((w) => /kernel/.test(w.name));
    if (kernel) return kernel.read() as tf.Variable;
  }
  throw new Error(`${model.name} has no layer with a kernel`);
}

/** A non-trainable scalar variable at 0 (the tidy frees the initial value's own handle). */
const scalarVariable = () => tf.tidy(() => tf.variable(tf.scalar(0), false));

/** The guard against a vanishing running mean of the adversarial term in the ratio balance. */
const RATIO_EPSILON = 1e-8;

/** Refuses a balance the GAN loss cannot support; called before any network is built. */
export function checkBalance(spec: AdversarialSpec): void {
  if (spec.balance.mode === "ratio" && spec.loss === "hinge") {
    // The hinge generator loss -mean D(fake) changes sign, so a ratio of running means says nothing.
    throw new ConfigError("adversarial.weight { ratio } needs a generator loss that stays positive (bce or lsgan), not hinge; use adaptive");
  }
}

export function adversarialWeight(spec: AdversarialSpec, decoderLastLayer: tf.Variable): AdversarialWeight {
  checkBalance(spec);
  const { balance, weight: factor } = spec;
  if (balance.mode === "fixed") return { lambda: () => factor, varies: false, state: {}, dispose() {} };

  // The last training step's lambda, for evaluation; 0 until the adversarial term has switched on.
  const last = scalarVariable();
  const remember = (lambda: tf.Scalar) => {
    last.assign(lambda);
    return lambda;
  };
  // In evaluation (no tape, no step) a copy: the loop disposes diagnostics after the step, never a variable.
  const lastLambda = () => tf.clone(last) as tf.Scalar;

  if (balance.mode === "adaptive") {
    return {
      varies: true,
      lambda(ctx, recon, adversarial) {
        if (!ctx.training) return lastLambda();
        const norm = ctx.gradientNorm;
        if (!norm) throw new Error("the adaptive adversarial weight needs the gradient tape of the training step (StepContext.gradientNorm)");
        return remember(adaptiveWeight(norm(recon, decoderLastLayer), norm(adversarial, decoderLastLayer), balance.max, factor));
      },
      state: { "adversarial_weight/last": last },
      dispose: () => last.dispose(),
    };
  }

  // Exponential running means started at 0: both carry the same start-up bias (1 - decay^t), which
  // cancels in their ratio, so no bias correction is needed.
  const meanRecon = scalarVariable();
  const meanAdversarial = scalarVariable();
  const update = (mean: tf.Variable, value: tf.Scalar) =>
    mean.assign(tf.tidy(() => tf.add(tf.mul(mean, balance.decay), tf.mul(detach(value), 1 - balance.decay))));
  return {
    varies: true,
    lambda(ctx, recon, adversarial) {
      if (!ctx.training) return lastLambda();
      update(meanRecon, recon);
      update(meanAdversarial, adversarial);
      const lambda = tf.tidy(() =>
        tf.mul(tf.clipByValue(tf.div(tf.mul(meanRecon, balance.ratio), tf.maximum(meanAdversarial, RATIO_EPSILON)), 0, balance.max), factor),
      ) as tf.Scalar;
      return remember(lambda);
    },
    state: { "adversarial_weight/last": last, "adversarial_weight/mean_recon": meanRecon, "adversarial_weight/mean_gan": meanAdversarial },
    dispose: () => tf.dispose([last, meanRecon, meanAdversarial]),
  };
}
