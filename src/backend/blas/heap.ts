import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's BackendWasm the native kernels use (4.22: backend_wasm.d.ts). */
export interface WasmInternals extends tf.KernelBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export function asWasm(backend: unknown): WasmInternals {
  return backend as WasmInternals;
}

/** Byte offset of a tensor's data on the wasm heap (a reshape shares its source's offset). */
export function offsetOf(backend: WasmInternals, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error("aelab native kernels: a tensor's data is not on the wasm heap (disposed?)");
  return data.memoryOffset;
}

/**
 * The heap's bytes. Take it after every makeOutput: an allocation may grow the wasm memory, which
 * detaches the old buffer (shared/research/engine-spike.md, gotchas).
 */
export function heapOf(backend: WasmInternals): Uint8Array {
  return backend.wasm.HEAPU8;
}
