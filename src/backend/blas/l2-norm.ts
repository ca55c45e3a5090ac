import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "./addon.js";
import { asWasm, heapOf, offsetOf } from "./heap.js";

/**
 * The Euclidean norm over all the given float32 tensors on the wasm backend, in one native pass.
 * The result is a new scalar tensor owned by the current tidy scope.
 */
export function nativeL2Norm(addon: NativeAddon, tensors: readonly tf.Tensor[]): tf.Scalar {
  const backend = asWasm(tf.backend());
  const slots = new Float64Array(tensors.length * 2);
  tensors.forEach((t, i) => {
    slots[2 * i] = offsetOf(backend, t);
    slots[2 * i + 1] = t.size;
  });
  const out = backend.makeOutput([], "float32");
  try {
    addon.l2Norm(heapOf(backend), slots, offsetOf(backend, out));
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  }
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Scalar;
}
