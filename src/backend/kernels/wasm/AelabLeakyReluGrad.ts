import type * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { gradientKernelPatch } from "../../blas/gradient-override.js";
import type { KernelPatch } from "../../kernel-patch.js";

/**
 * LeakyRelu's gradient as one kernel: dx = x > 0 ? dy : dy · alpha. Registered (natively) for wasm
 * only; the gradient below uses it where the active backend has it, and tfjs's own gradient
 * (Greater + Select + Multiply) everywhere else, so cpu and tensorflow are unchanged.
 */
export const LEAKY_RELU_GRAD = "AelabLeakyReluGrad";

interface AlphaAttrs {
  alpha: number;
}

const OVERRIDE = { kernelName: "LeakyRelu", gradKernelName: LEAKY_RELU_GRAD, attrsOf: (attrs: tf.NamedAttrMap) => ({ alpha: attrs.alpha }) };

/** LEAKY_RELU_GRAD on wasm, one native pass over float32 data. */
export function nativeLeakyReluGradPatch(addon: NativeAddon): KernelPatch {
  return gradientKernelPatch(OVERRIDE, (heap, n, dy, x, dx, attrs) => addon.leakyReluGrad(heap, n, dy, x, dx, (attrs as unknown as AlphaAttrs).alpha));
}
