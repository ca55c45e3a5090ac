import type * as tf from "@tensorflow/tfjs";
import { asWasm, heapOf, offsetOf, type WasmInternals } from "../../blas/heap.js";
import { patchKernel } from "../../kernel-patch.js";
import { shareData } from "./Identity.js";

/**
 * Cast to the dtype a tensor already has is Identity (tfjs's cpu backend returns an identity for it);
 * 4.22's wasm Cast copies. Relu's stock gradient casts its float32 mask to float32, a copy of every
 * activation on every step. Same rule as Identity (Identity.ts): share. And 4.22's wasm Cast to bool
 * keeps the low byte of the number (-1.7 -> 255, 2.5 -> 2) where every other backend gives x != 0:
 * computed here as they do. The other casts are the stock kernel's.
 */
export const wasmCastPatch = patchKernel<{ x: tf.TensorInfo }, { dtype: tf.DataType }>({
  name: "Cast to the same dtype: share data instead of copying",
  kernelName: "Cast",
  backendName: "wasm",
  make:
    (stock) =>
    ({ inputs: { x }, attrs, backend, args }) => {
      const { dtype } = attrs;
      if (dtype === "bool" && (x.dtype === "float32" || x.dtype === "int32")) return castToBool(asWasm(backend), x);
      if (x.dtype !== dtype || x.dtype === "string" || x.dtype === "complex64") return stock.kernelFunc(args);
      return shareData(backend, x);
    },
});

function castToBool(backend: WasmInternals, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, "bool");
  const n = x.shape.reduce((a, d) => a * d, 1);
  if (n === 0) return out;
  // After makeOutput: an allocation may grow the heap and detach an older view.
  const heap = heapOf(backend);
  const from = offsetOf(backend, x);
  const source = x.dtype === "float32" ? new Float32Array(heap.buffer, from, n) : new Int32Array(heap.buffer, from, n);
  const target = new Uint8Array(heap.buffer, offsetOf(backend, out), n);
  for (let i = 0; i < n; i++) target[i] = source[i] !== 0 ? 1 : 0;
  return out;
}
