import type * as tf from "@tensorflow/tfjs";
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
