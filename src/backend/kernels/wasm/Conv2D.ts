import type * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { convInfo, geometry, IM2COL, nativeCovers, shapeOnly, type ConvAttrs } from "../../blas/conv.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";
import { samePaddingPatch } from "./same-padding.js";

export const wasmConv2dPatch = samePaddingPatch("Conv2D", false);

/** im2col + sgemm (blas/conv.ts); what it does not cover goes to the 'same'-padding fix above. */
export function nativeConv2dPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo; filter: tf.TensorInfo }, ConvAttrs>({
    name: `Conv2D: ${IM2COL}`,
    kernelName: "Conv2D",
    backendName: "wasm",
    make(stock) {
      const fallback = wasmConv2dPatch.make(stock);
      return ({ inputs: { x, filter }, attrs, backend: kernelBackend, args }) => {
        const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
        if (!nativeCovers(info, x, filter, shapeOnly(info.outShape))) return fallback(args);
        const backend = asWasm(kernelBackend);
        const y = backend.makeOutput(info.outShape, "float32");
        addon.conv2d(heapOf(backend), geometry(info), offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, y));
        return y;
      };
    },
  });
}
