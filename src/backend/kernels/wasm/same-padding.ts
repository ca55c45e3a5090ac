import * as tf from "@tensorflow/tfjs";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

// For pad 'same' the wasm conv kernels hand the padding to XNNPACK as a flag
// (XNN_FLAG_TENSORFLOW_SAME_PADDING), and XNNPACK's version of it gives wrong numbers when the stride
// exceeds the filter extent, e.g. x[3,7,9,5], 4x2 filter, stride 3: every element differs from cpu
// (shared/research/tfjs-feasibility.md; reproduced here). The same conv with the padding spelt out
// explicitly is correct, so 'same' is turned into explicit padding before the stock kernel sees it.

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** A wasm conv kernel (Conv2D, FusedConv2D or a depthwise one) with 'same' padding spelt out. */
export function samePaddingPatch(kernelName: string, depthwise: boolean): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo; filter: tf.TensorInfo }, ConvAttrs>({
    name: `${kernelName}: explicit 'same' padding`,
    kernelName,
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs, attrs, args }) => {
        if (attrs.pad !== "same") return stock.kernelFunc(args);
        const { x, filter } = inputs;
        const info = tf.backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number],
          filter.shape as [number, number, number, number],
          attrs.strides,
          attrs.dilations ?? 1,
          "same",
          attrs.dimRoundingMode,
          depthwise,
          tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC"),
        );
        if (info.dataFormat !== "channelsLast") return stock.kernelFunc(args);
        const { top, bottom, left, right } = info.padInfo;
        const pad = [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ];
        return stock.kernelFunc({ ...args, attrs: { ...args.attrs, pad } });
      },
  });
}
