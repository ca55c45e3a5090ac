import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { convInfo, geometry, IM2COL, nativeCovers, shapeOnly } from "../../blas/conv.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { KernelCalls } from "../../kernel-calls.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

// The stock wasm Conv2DBackpropInput is a scalar loop (1.2-2.2 GFLOP/s); it took 759 of 1034 ms of a
// CVAE training step. It serves every conv input-gradient and the conv2dTranspose forward pass.
// Instead: insert s−1 zeros between the rows and columns of dy, then run one XNNPACK stride-1 Conv2D
// with the filter rotated by 180° and its channel axes swapped:
//   dx[b,h,w,ci] = Σ_fh,fw,co z[b, h + padTop − fh, w + padLeft − fw, co] · W[fh,fw,ci,co]
// where z[oh·s] = dy[oh]. Research measured it ~2x faster than the stock kernel and bit-identical.

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

function backpropInput(k: KernelCalls, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, padInfo } = info;

  const swapped = k.temp("Transpose", { x: filter }, { perm: [0, 1, 3, 2] });
  const rotated = k.temp("Reverse", { x: swapped }, { dims: [0, 1] });

  // Zero insertion as one 5-D pad: [B·OH, 1, OW, 1, Co] padded to [B·OH, sh, OW, sw, Co] is dy with
  // sh−1 zero rows after every row and sw−1 zero columns after every column.
  let z = dy;
  if (sh > 1 || sw > 1) {
    const dy5 = k.reshape(dy, [batchSize * outHeight, 1, outWidth, 1, outChannels]);
    const padded = k.temp(
      "PadV2",
      { x: dy5 },
      {
        paddings: [
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    z = k.reshape(padded, [batchSize, outHeight * sh, outWidth * sw, outChannels]);
  }

  // Padding that makes the stride-1 output exactly inHeight × inWidth. The trailing pad is negative
  // when z ends in more zero rows than the conv needs; crop those (they are zeros, see the caller's guard).
  const padBottom = inHeight + padInfo.top - outHeight * sh;
  const padRight = inWidth + padInfo.left - outWidth * sw;
  if (padBottom < 0 || padRight < 0) {
    const size = [batchSize, z.shape[1] + Math.min(padBottom, 0), z.shape[2] + Math.min(padRight, 0), outChannels];
    z = k.temp("Slice", { x: z }, { begin: [0, 0, 0, 0], size });
  }
  return k.run(
    "Conv2D",
    { x: z, filter: rotated },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [fh - 1 - padInfo.top, Math.max(padBottom, 0)],
        [fw - 1 - padInfo.left, Math.max(padRight, 0)],
        [0, 0],
      ],
      dataFormat: "NHWC",
    },
  );
}

export const wasmConv2dBackpropInputPatch = patchKernel<{ dy: tf.TensorInfo; filter: tf.TensorInfo }, BackpropInputAttrs>({
  name: "Conv2DBackpropInput: zero insertion + one Conv2D",
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  make:
    (stock) =>
    ({ inputs: { dy, filter }, attrs, backend, args }) => {
      const format = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
      const info = tf.backend_util.computeConv2DInfo(
        attrs.inputShape,
        filter.shape as [number, number, number, number],
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
        false,
        format,
      );
      const { top, bottom, left, right } = info.padInfo;
      // A pad wider than the filter would need a negative conv padding, and a rounding mode can make
      // the output longer than the input covers; both are rare, so the stock kernel keeps them.
      const simple =
        format === "channelsLast" &&
        dy.dtype === "float32" &&
        attrs.dimRoundingMode == null &&
        Math.max(top, bottom) < info.filterHeight &&
        Math.max(left, right) < info.filterWidth;
      if (!simple) return stock.kernelFunc(args);
      const k = new KernelCalls(backend, "wasm");
      try {
        return backpropInput(k, dy, filter, info);
      } finally {
        k.free();
      }
    },
});

/** im2col + sgemm's transpose (blas/conv.ts), also tf.conv2dTranspose's forward pass; the rest is stock. */
export function nativeConv2dBackpropInputPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ dy: tf.TensorInfo; filter: tf.TensorInfo }, BackpropInputAttrs>({
    name: `Conv2DBackpropInput: ${IM2COL}`,
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs: { dy, filter }, attrs, backend: kernelBackend, args }) => {
        const info = convInfo(attrs.inputShape, filter.shape, attrs, 1);
        if (!nativeCovers(info, shapeOnly(attrs.inputShape, dy.dtype), filter, dy)) return stock.kernelFunc(args);
        const backend = asWasm(kernelBackend);
        const dx = backend.makeOutput(info.inShape, "float32");
        addon.conv2dBackpropInput(heapOf(backend), geometry(info), offsetOf(backend, dy), offsetOf(backend, filter), offsetOf(backend, dx));
        return dx;
      },
  });
}
