import type * as tf from "@tensorflow/tfjs";
import { patchKernel } from "../../kernel-patch.js";

interface SharingBackend {
  incRef(dataId: object): void;
}

/** `x` as a new tensor sharing its data (one more reference), as Reshape does on wasm. */
export function shareData(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  (backend as unknown as SharingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * tfjs saves every tensor a gradient needs with clone() (engine.saveTensorsForBackwardMode), and
 * clone is the Identity kernel. The cpu and webgl backends share the data (a reference count), but
 * 4.22's wasm Identity copies it: 84 copies per MLP VAE step, ~10% of the step on the native
 * kernels (measured). Tensors are immutable, and wasm already shares data for Reshape, so Identity
 * shares too. The one writer in place, the fused Adam, copies a variable whose data is shared first.
 */
export const wasmIdentityPatch = patchKernel<{ x: tf.TensorInfo }>({
  name: "Identity: share data instead of copying",
  kernelName: "Identity",
  backendName: "wasm",
  make:
    (stock) =>
    ({ inputs: { x }, backend, args }) => {
      if (x.dtype === "string") return stock.kernelFunc(args);
      return shareData(backend, x);
    },
});
