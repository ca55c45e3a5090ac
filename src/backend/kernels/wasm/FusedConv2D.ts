import * as tf from "@tensorflow/tfjs";
import { ACTIVATIONS, type NativeAddon } from "../../blas/addon.js";
import { convInfo, geometry, IM2COL, nativeCovers, shapeOnly, type ConvAttrs } from "../../blas/conv.js";
import { asWasm, heapOf, offsetOf, type WasmInternals } from "../../blas/heap.js";
import { KernelCalls } from "../../kernel-calls.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";
import { samePaddingPatch } from "./same-padding.js";

export const wasmFusedConv2dPatch = samePaddingPatch("FusedConv2D", false);

interface FusedConvAttrs extends ConvAttrs {
  activation?: tf.fused.Activation;
  leakyreluAlpha?: number;
}

interface FusedConvInputs {
  x: tf.TensorInfo;
  filter: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

/** Activations conv.c applies after the bias; the others run as the backend's own kernels. */
const NATIVE_ACTIVATIONS = new Set(["linear", "relu", "relu6"]);

/** A bias conv.c adds itself: one value, or one per output channel (any leading 1s). */
function nativeBiasLength(bias: tf.TensorInfo, outChannels: number): number | null {
  const size = tf.util.sizeFromShape(bias.shape);
  if (bias.dtype !== "float32" || bias.shape.length > 4) return null;
  if (size === 1) return 1;
  return size === outChannels && bias.shape[bias.shape.length - 1] === outChannels ? outChannels : null;
}

/** The activation step of the cpu backend's FusedConv2D (fused_utils.applyActivation), on the backend's kernels. */
function activate(k: KernelCalls, x: tf.TensorInfo, attrs: FusedConvAttrs, prelu: tf.TensorInfo | undefined): tf.TensorInfo {
  switch (attrs.activation) {
    case "relu":
      return k.run("Relu", { x });
    case "relu6":
      return k.run("Relu6", { x });
    case "elu":
      return k.run("Elu", { x });
    case "sigmoid":
      return k.run("Sigmoid", { x });
    case "leakyrelu":
      return k.run("LeakyRelu", { x }, { alpha: attrs.leakyreluAlpha as number });
    case "prelu":
      if (!prelu) throw new Error("FusedConv2D: activation 'prelu' needs preluActivationWeights");
      return k.run("Prelu", { x, alpha: prelu });
    default:
      throw new Error(`FusedConv2D: unknown activation '${String(attrs.activation)}'`);
  }
}

/**
 * im2col + sgemm with the bias and activation in conv.c where it can (blas/conv.ts), the rest with the
 * backend's own kernels; what it does not cover goes to the 'same'-padding fix above.
 */
export function nativeFusedConv2dPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<FusedConvInputs, FusedConvAttrs>({
    name: `FusedConv2D: ${IM2COL}`,
    kernelName: "FusedConv2D",
    backendName: "wasm",
    make(stock) {
      const fallback = wasmFusedConv2dPatch.make(stock);
      return ({ inputs: { x, filter, bias, preluActivationWeights: prelu }, attrs, backend: kernelBackend, args }) => {
        const activation = attrs.activation ?? "linear";
        const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
        // The wasm Prelu kernel broadcasts its weights over the last axis only: a scalar or one per channel.
        const preluCovered = activation !== "prelu" || (prelu != null && prelu.dtype === "float32" && nativeBiasLength(prelu, info.outChannels) != null);
        if (!nativeCovers(info, x, filter, shapeOnly(info.outShape)) || !preluCovered) return fallback(args);

        const biasLength = bias ? nativeBiasLength(bias, info.outChannels) : 0;
        const nativeBias = biasLength != null;
        // The activation follows the bias: native only when the bias was.
        const nativeActivation = nativeBias && NATIVE_ACTIVATIONS.has(activation);
        const backend = asWasm(kernelBackend);
        const y = backend.makeOutput(info.outShape, "float32");
        const biasOffset = bias && nativeBias ? offsetOf(backend, bias) : 0;
        addon.conv2d(
          heapOf(backend),
          geometry(info, biasOffset, biasLength ?? 0, nativeActivation ? ACTIVATIONS[activation] : ACTIVATIONS.linear),
          offsetOf(backend, x),
          offsetOf(backend, filter),
          offsetOf(backend, y),
        );
        if (nativeActivation) return y;
        return finishInJs(backend, y, nativeBias ? undefined : bias, activation === "linear" ? undefined : attrs, prelu);
      };
    },
  });
}

/** Bias (a shape conv.c does not broadcast) and activation with the backend's kernels; frees what it replaces. */
function finishInJs(
  backend: WasmInternals,
  y: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation: FusedConvAttrs | undefined,
  prelu: tf.TensorInfo | undefined,
): tf.TensorInfo {
  const k = new KernelCalls(backend, "wasm");
  const made = [y];
  let result: tf.TensorInfo | undefined;
  try {
    let h = y;
    if (bias) made.push((h = k.run("Add", { a: h, b: bias })));
    if (activation) made.push((h = activate(k, h, activation, prelu)));
    result = h;
    return h;
  } finally {
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
}
