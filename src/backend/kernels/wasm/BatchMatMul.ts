import type { NativeAddon } from "../../blas/addon.js";
import { isFloat32, LINEAR, nativeProduct, sgemmLabel } from "../../blas/gemm.js";
import { asWasm } from "../../blas/heap.js";
import { KernelCalls } from "../../kernel-calls.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";
import type { MatMulAttrs, MatMulInputs } from "./matmul-args.js";
import { untransposed } from "./matmul-transpose.js";

/** Transposes first, so that XNNPACK runs the product (matmul-transpose.ts says why). */
export const wasmBatchMatMulPatch = patchKernel<MatMulInputs, MatMulAttrs>({
  name: "BatchMatMul: explicit transpose (XNNPACK)",
  kernelName: "BatchMatMul",
  backendName: "wasm",
  make:
    () =>
    ({ inputs, backend, attrs }) => {
      const k = new KernelCalls(backend, "wasm");
      try {
        const { a, b, outShape } = untransposed(k, inputs, attrs);
        const out = k.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
        return { ...out, shape: outShape };
      } finally {
        k.free();
      }
    },
});

/** One BLAS sgemm (blas/gemm.ts); `addon` is the loaded native addon. */
export function nativeBatchMatMulPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<MatMulInputs, MatMulAttrs>({
    name: `BatchMatMul: ${sgemmLabel(addon)}`,
    kernelName: "BatchMatMul",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs, attrs, backend, args }) => {
        // The stock kernel says what it does with other dtypes (it rejects them).
        if (!isFloat32(inputs)) return stock.kernelFunc(args);
        return nativeProduct(addon, asWasm(backend), inputs, attrs, LINEAR);
      },
  });
}
