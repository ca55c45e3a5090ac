import type * as tf from "@tensorflow/tfjs";
import type { KernelCalls } from "../../kernel-calls.js";

// What BatchMatMul and _FusedMatMul receive, and the bias + activation tail done with the backend's own
// kernels; shared by the wasm matMul patches (BatchMatMul.ts, _FusedMatMul.ts) and blas/gemm.ts.

export interface MatMulInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** The kernel that applies each fused activation on its own. */
export const ACTIVATION_KERNELS: Record<string, string> = {
  relu: "Relu",
  relu6: "Relu6",
  sigmoid: "Sigmoid",
  elu: "Elu",
  leakyrelu: "LeakyRelu",
  prelu: "Prelu",
};

/**
 * Bias (undefined: none; required when the activation is linear) and activation as separate kernels,
 * after a product; for what the fused kernel would get wrong or cannot do.
 */
export function addBiasAndActivate(
  k: KernelCalls,
  product: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  inputs: MatMulInputs,
  attrs: MatMulAttrs,
): tf.TensorInfo {
  const activation = attrs.activation ?? "linear";
  if (activation === "linear") return k.run("Add", { a: product, b: bias as tf.TensorInfo });
  const kernelName = ACTIVATION_KERNELS[activation];
  if (!kernelName) throw new Error(`_FusedMatMul on wasm: activation '${activation}' is not supported`);
  const x = bias ? k.temp("Add", { a: product, b: bias }) : product;
  if (activation === "prelu") return k.run(kernelName, { x, alpha: inputs.preluActivationWeights as tf.TensorInfo });
  if (activation === "leakyrelu") return k.run(kernelName, { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
  return k.run(kernelName, { x });
}
