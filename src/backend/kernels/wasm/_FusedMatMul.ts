import { ACTIVATIONS, type NativeAddon } from "../../blas/addon.js";
import { biasFitsEpilogue, isFloat32, nativeProduct, sgemmLabel } from "../../blas/gemm.js";
import { asWasm } from "../../blas/heap.js";
import { KernelCalls } from "../../kernel-calls.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";
import { ACTIVATION_KERNELS, addBiasAndActivate, type MatMulAttrs, type MatMulInputs } from "./matmul-args.js";
import { untransposed } from "./matmul-transpose.js";

/** Transposes first, so that XNNPACK runs the product (matmul-transpose.ts says why). */
export const wasmFusedMatMulPatch = patchKernel<MatMulInputs, MatMulAttrs>({
  name: "_FusedMatMul: explicit transpose (XNNPACK)",
  kernelName: "_FusedMatMul",
  backendName: "wasm",
  make:
    () =>
    ({ inputs, backend, attrs }) => {
      const k = new KernelCalls(backend, "wasm");
      try {
        const { a, b, outShape, batch, n } = untransposed(k, inputs, attrs);
        const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
        const bias = inputs.bias;
        // XNNPACK adds a bias of exactly [N] correctly; anything else goes through separate kernels.
        if (bias === undefined || (batch === 1 && bias.shape.length === 1 && bias.shape[0] === n)) {
          const out = k.run("_FusedMatMul", { ...inputs, a, b }, plainAttrs);
          return { ...out, shape: outShape };
        }
        const product = k.temp("_FusedMatMul", { a, b }, { ...plainAttrs, activation: "linear" });
        const shaped = k.reshape(product, outShape);
        return addBiasAndActivate(k, shaped, bias, inputs, attrs);
      } finally {
        k.free();
      }
    },
});

/**
 * One BLAS sgemm with the bias and activation in its C epilogue where it can (blas/gemm.ts), the rest
 * with the backend's own kernels; `addon` is the loaded native addon.
 */
export function nativeFusedMatMulPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<MatMulInputs, MatMulAttrs>({
    name: `_FusedMatMul: ${sgemmLabel(addon)}`,
    kernelName: "_FusedMatMul",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs, attrs, backend: kernelBackend, args }) => {
        if (!isFloat32(inputs)) return stock.kernelFunc(args);
        const activation = attrs.activation ?? "linear";
        // Checked before anything is allocated, so that the error leaves nothing behind.
        if (!Object.hasOwn(ACTIVATIONS, activation) && !Object.hasOwn(ACTIVATION_KERNELS, activation)) {
          throw new Error(`_FusedMatMul on wasm: activation '${activation}' is not supported`);
        }
        const backend = asWasm(kernelBackend);
        const { bias } = inputs;
        const n = inputs.b.shape[inputs.b.shape.length - (attrs.transposeB ? 2 : 1)];
        const outRank = Math.max(inputs.a.shape.length, inputs.b.shape.length);
        const cBias = bias && biasFitsEpilogue(bias, n, outRank) ? bias : undefined;
        const allNative = bias === cBias && Object.hasOwn(ACTIVATIONS, activation);
        const epilogue = { bias: cBias, activation: allNative ? activation : "linear", alpha: attrs.leakyreluAlpha ?? 0.2 };
        const product = nativeProduct(addon, backend, inputs, attrs, epilogue);
        if (allNative) return product;
        const k = new KernelCalls(backend, "wasm");
        try {
          return addBiasAndActivate(k, product, cBias ? undefined : bias, inputs, attrs);
        } finally {
          k.free();
          backend.disposeData(product.dataId);
        }
      },
  });
}
