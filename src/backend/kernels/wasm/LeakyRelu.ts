import type * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

const sizeOf = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

/** LeakyRelu on wasm as one native pass over float32 data; its gradient is AelabLeakyReluGrad.ts. */
export function nativeLeakyReluPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo }, { alpha: number }>({
    name: "LeakyRelu: native",
    kernelName: "LeakyRelu",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs: { x }, attrs, backend: kernelBackend, args }) => {
        if (x.dtype !== "float32") return stock.kernelFunc(args);
        const backend = asWasm(kernelBackend);
        const out = backend.makeOutput(x.shape, "float32");
        const n = sizeOf(x.shape);
        if (n === 0) return out;
        try {
          addon.leakyRelu(heapOf(backend), n, offsetOf(backend, x), offsetOf(backend, out), attrs.alpha);
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      },
  });
}
