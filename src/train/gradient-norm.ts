import * as tf from "@tensorflow/tfjs";
import { activeNativeKernels } from "../backend/blas/state.js";
import { nativeL2Norm } from "../backend/blas/l2-norm.js";

/**
 * ‖g‖ over a network's gradients, for diagnostics/grad_norm. With the native kernels one native pass
 * (2 tfjs kernels per variable otherwise cost ~6% of an MLP VAE step); elsewhere tfjs ops.
 */
export function gradientNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  const addon = activeNativeKernels();
  if (addon && tf.getBackend() === "wasm" && grads.every((g) => g.dtype === "float32")) return nativeL2Norm(addon, grads);
  return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
}
