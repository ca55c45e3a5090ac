import * as tf from "@tensorflow/tfjs";

/**
 * The values of `t` in a new tensor with no history on the gradient tape, so any gradient taken later
 * treats it as a constant (tfjs has no stopGradient). It shares t's data (one more reference on the
 * backend, as tfjs' own reshape kernels do), so it costs no copy and no read-back.
 */
export function detach<T extends tf.Tensor>(t: T): T {
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromDataId(t.dataId, t.shape, t.dtype) as T;
}

/**
 * ‖∂value/∂variable‖, as a constant, from the gradient tape being recorded around the caller: backward
 * from `value` to `variable` over the operations already on the tape, so no forward pass is repeated.
 * Valid only inside the function given to tf.variableGrads (or tf.grads), where `value` was computed;
 * 0 when `value` does not depend on `variable`. The backward operations it records are not on any path
 * to the enclosing loss (its result is detached), so the enclosing gradient never differentiates them.
 */
export function gradientNormOnTape(value: tf.Scalar, variable: tf.Variable): tf.Scalar {
  return tf.tidy(() => {
    const { grads } = tf.engine().gradients(() => value, [variable], undefined, true);
    const grad = grads[0];
    return detach(grad ? (tf.sqrt(tf.sum(tf.square(grad))) as tf.Scalar) : tf.scalar(0));
  });
}

/** The guard against a vanishing adversarial gradient in Esser et al.'s adaptive weight. */
export const ADAPTIVE_EPSILON = 1e-4;

/**
 * Esser et al. 2021 (VQGAN's calculate_adaptive_weight): lambda = ‖∇_L recon‖ / (‖∇_L adversarial‖ + 1e-4),
 * clamped to [0, max], times `factor`, L the decoder's last layer. It scales the adversarial term's
 * gradient at L to the reconstruction's, whatever the two losses' units are.
 */
export function adaptiveWeight(reconNorm: tf.Scalar, adversarialNorm: tf.Scalar, max: number, factor: number): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.clipByValue(tf.div(reconNorm, tf.add(adversarialNorm, ADAPTIVE_EPSILON)), 0, max), factor) as tf.Scalar);
}
