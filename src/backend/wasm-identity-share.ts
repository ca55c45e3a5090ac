import type * as tf from "@tensorflow/tfjs";
import { asWasm, heapOf, offsetOf, type WasmInternals } from "./blas/heap.js";
import type { KernelPatch } from "./kernel-patch.js";

interface SharingBackend {
  incRef(dataId: object): void;
}

/**
 * tfjs saves every tensor a gradient needs with clone() (engine.saveTensorsForBackwardMode), and
 * clone is the Identity kernel. The cpu and webgl backends share the data (a reference count), but
 * 4.22's wasm Identity copies it: 84 copies per MLP VAE step, ~10% of the step on the native
 * kernels (measured). Tensors are immutable, and wasm already shares data for Reshape, so Identity
 * shares too. The one writer in place, the fused Adam, copies a variable whose data is shared first.
 */
export const wasmIdentityPatch: KernelPatch = {
  name: "Identity: share data instead of copying",
  kernelName: "Identity",
  backendName: "wasm",
  make(stock) {
    if (!stock) throw new Error("wasm backend has no Identity kernel to patch");
    return (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === "string") return stock.kernelFunc(args);
      (args.backend as unknown as SharingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
  },
};

/**
 * Cast to the dtype a tensor already has is Identity (tfjs's cpu backend returns an identity for it);
 * 4.22's wasm Cast copies. Relu's stock gradient casts its float32 mask to float32, a copy of every
 * activation on every step. Same rule as Identity above: share. And 4.22's wasm Cast to bool keeps
 * the low byte of the number (-1.7 -> 255, 2.5 -> 2) where every other backend gives x != 0:
 * computed here as they do. The other casts are the stock kernel's.
 */
export const wasmCastSamePatch: KernelPatch = {
  name: "Cast to the same dtype: share data instead of copying",
  kernelName: "Cast",
  backendName: "wasm",
  make(stock) {
    if (!stock) throw new Error("wasm backend has no Cast kernel to patch");
    return (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
      if (dtype === "bool" && (x.dtype === "float32" || x.dtype === "int32")) return castToBool(asWasm(args.backend), x);
      if (x.dtype !== dtype || x.dtype === "string" || x.dtype === "complex64") return stock.kernelFunc(args);
      (args.backend as unknown as SharingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
  },
};

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
