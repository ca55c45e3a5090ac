import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/**
 * How many leading axes a Sum reduces, when those are exactly the axes it reduces (in any order and
 * at least one, leaving at least one); 0 otherwise.
 */
export function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * Sum over the leading axes of a float32 tensor on the wasm backend (bias gradients: [128,512] over
 * axis 0), one native pass adding rows into the output. Stock wasm transposes the input first so
 * that the reduced axes come last; it keeps every other case (other axes, all axes, other dtypes).
 */
export function nativeSumPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo }, SumAttrs>({
    name: "Sum: native, leading axes without a transpose",
    kernelName: "Sum",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs: { x }, attrs, backend: kernelBackend, args }) => {
        const { axis, keepDims } = attrs;
        if (x.dtype !== "float32") return stock.kernelFunc(args);
        const lead = leadingAxes(axis, x.shape);
        if (lead === 0) return stock.kernelFunc(args);
        const backend = asWasm(kernelBackend);
        const rows = x.shape.slice(0, lead).reduce((n, d) => n * d, 1);
        const kept = x.shape.slice(lead);
        const cols = kept.reduce((n, d) => n * d, 1);
        const out = backend.makeOutput(keepDims ? [...new Array<number>(lead).fill(1), ...kept] : kept, "float32");
        if (cols === 0) return out;
        try {
          addon.sumLeading(heapOf(backend), rows, cols, offsetOf(backend, x), offsetOf(backend, out));
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      },
  });
}
