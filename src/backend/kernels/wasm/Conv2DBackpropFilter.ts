import type * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { convInfo, geometry, IM2COL, nativeCovers, shapeOnly } from "../../blas/conv.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";
import { conv2dBackpropFilterAsConv2D, type BackpropFilterAttrs } from "../conv2d-backprop-filter.js";

/** Stock wasm has no Conv2DBackpropFilter: this one is a Conv2D (conv2d-backprop-filter.ts). */
export const wasmConv2dBackpropFilterPatch = conv2dBackpropFilterAsConv2D("wasm");

/** im2col + sgemm (blas/conv.ts); what it does not cover goes to the one-Conv2D fix above. */
export function nativeConv2dBackpropFilterPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo; dy: tf.TensorInfo }, BackpropFilterAttrs>({
    name: `Conv2DBackpropFilter: ${IM2COL}`,
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    stockOptional: true,
    make(stock) {
      const fallback = wasmConv2dBackpropFilterPatch.make(stock);
      return ({ inputs: { x, dy }, attrs, backend: kernelBackend, args }) => {
        const info = convInfo(x.shape, attrs.filterShape, attrs, 1);
        if (!nativeCovers(info, x, shapeOnly(attrs.filterShape, x.dtype), dy)) return fallback(args);
        const backend = asWasm(kernelBackend);
        const dw = backend.makeOutput(attrs.filterShape, "float32");
        addon.conv2dBackpropFilter(heapOf(backend), geometry(info), offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, dw));
        return dw;
      };
    },
  });
}
