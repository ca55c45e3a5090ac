import * as tf from "@tensorflow/tfjs";
import { KernelCalls } from "../kernel-calls.js";
import { patchKernel, type KernelPatch } from "../kernel-patch.js";

// Stock wasm has no Conv2DBackpropFilter, so no conv net can train on it; the cpu backend's own
// kernel took 183 s of a 190 s CVAE step (shared/research/tfjs-feasibility.md §3).
//
// The weight gradient is itself a convolution, computed here as one forward Conv2D of the backend:
//   dW[fh,fw,ci,co] = Σ_b,oh,ow x[b, oh·s + fh − padTop, ow·s + fw − padLeft, ci] · dy[b,oh,ow,co]
// Read x as a batch of Ci images of B channels, xᵀ[Ci,H,W,B], and dy as an OH×OW filter,
// dyᵀ[OH,OW,B,Co]. A stride-1 conv of xᵀ with dyᵀ, dilated by the original stride and padded with the
// original padding, gives r[ci,fh,fw,co] for fh ≥ FH too; crop to FH×FW and move ci inside.

export interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

function backpropFilter(k: KernelCalls, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: BackpropFilterAttrs): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { top, bottom, left, right } = info.padInfo;
  const xT = k.temp("Transpose", { x }, { perm: [3, 1, 2, 0] });
  const dyT = k.temp("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  const r = k.temp(
    "Conv2D",
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [info.strideHeight, info.strideWidth],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: "NHWC",
    },
  );
  const [fh, fw, ci, co] = attrs.filterShape;
  const cropped = r.shape[1] === fh && r.shape[2] === fw ? r : k.temp("Slice", { x: r }, { begin: [0, 0, 0, 0], size: [ci, fh, fw, co] });
  return k.run("Transpose", { x: cropped }, { perm: [1, 2, 0, 3] });
}

/** Conv2DBackpropFilter as one forward Conv2D; for "wasm" (missing) and "cpu" (pathologically slow). */
export function conv2dBackpropFilterAsConv2D(backendName: "wasm" | "cpu"): KernelPatch {
  return patchKernel<{ x: tf.TensorInfo; dy: tf.TensorInfo }, BackpropFilterAttrs>({
    name: "Conv2DBackpropFilter: one dilated Conv2D",
    kernelName: "Conv2DBackpropFilter",
    backendName,
    stockOptional: true,
    make:
      (stock) =>
      ({ inputs: { x, dy }, attrs, backend, args }) => {
        if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat) !== "channelsLast" || x.dtype !== "float32") {
          if (stock) return stock.kernelFunc(args);
          throw new Error(`Conv2DBackpropFilter on ${backendName} supports float32 NHWC only (got ${x.dtype} ${attrs.dataFormat})`);
        }
        const k = new KernelCalls(backend, backendName);
        try {
          return backpropFilter(k, x, dy, attrs);
        } finally {
          k.free();
        }
      },
  });
}
