import type { NativeAddon } from "../../blas/addon.js";
import { gradientKernelPatch } from "../../blas/gradient-override.js";
import type { KernelPatch } from "../../kernel-patch.js";

/**
 * Relu's gradient as one kernel: dx = dy · step(x). tfjs computes mul(dy, cast(step(x), 'float32')),
 * three passes over the activation (the Cast a float32 copy on wasm); on the conv VAE's 28×28×32
 * activations that was ~15% of a step. Registered natively for wasm only; elsewhere tfjs's gradient.
 */
export const RELU_GRAD = "AelabReluGrad";

const OVERRIDE = { kernelName: "Relu", gradKernelName: RELU_GRAD, attrsOf: () => ({}) };

export function nativeReluGradPatch(addon: NativeAddon): KernelPatch {
  return gradientKernelPatch(OVERRIDE, (heap, n, dy, x, dx) => addon.reluGrad(heap, n, dy, x, dx, 0));
}
