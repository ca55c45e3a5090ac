import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterPatch } from "../conv2d-backprop-filter.js";
import { KernelCalls } from "../kernel-calls.js";
import type { KernelPatch } from "../kernel-patch.js";
import { wasmSamePaddingPatches } from "../wasm-conv-same-padding.js";
import { ACTIVATIONS, type NativeAddon } from "./addon.js";
import { asWasm, heapOf, offsetOf, type WasmInternals } from "./heap.js";

// The wasm backend's convolutions as im2col + OpenBLAS sgemm (native/src/conv.c), in place on the wasm
// heap. Conv2DBackpropInput also serves tf.conv2dTranspose's forward pass. What the native code does
// not cover (NCHW, dilation > 1, other dtypes) goes to the pure-wasm kernel this patch replaces, with
// aelab's wasm fixes kept: explicit 'same' padding for Conv2D, the one-Conv2D weight gradient (stock
// wasm has none).

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

interface FusedConvAttrs extends ConvAttrs {
  activation?: tf.fused.Activation;
  leakyreluAlpha?: number;
}

interface BackpropInputAttrs extends ConvAttrs {
  inputShape: Shape4;
}

interface BackpropFilterAttrs extends ConvAttrs {
  filterShape: Shape4;
}

const PATCH = "native im2col + sgemm";

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dilations: number | [number, number]): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC"),
  );
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Whether conv.c can run this convolution: NHWC float32, dilation 1, and tensors whose shapes are the
 * ones the geometry describes (the C side checks the heap bounds, not that the tensors agree).
 */
function nativeCovers(info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo, filter: tf.TensorInfo, y: tf.TensorInfo): boolean {
  return (
    info.dataFormat === "channelsLast" &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    [x, filter, y].every((t) => t.dtype === "float32") &&
    sameShape(x.shape, info.inShape) &&
    sameShape(filter.shape, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]) &&
    sameShape(y.shape, info.outShape)
  );
}

/** The geometry layout documented on NativeAddon.conv2d. */
function geometry(info: tf.backend_util.Conv2DInfo, biasOffset = 0, biasLength = 0, activation = 0): Int32Array {
  // Int32Array keeps an offset's low 32 bits; conv.c reads the bias slot back as unsigned.
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    biasOffset,
    biasLength,
    activation,
  );
}

// The output only exists as a shape here; nativeCovers needs a TensorInfo-like value for it.
const shapeOnly = (shape: number[], dtype: tf.DataType = "float32") => ({ shape, dtype }) as tf.TensorInfo;

/** The 'same'-padding fix of the wasm conv kernels, built on the stock kernel: the fallback for Conv2D and FusedConv2D. */
function samePaddingFallback(kernelName: string, stock: tf.KernelConfig | undefined): tf.KernelFunc {
  const patch = wasmSamePaddingPatches.find((p) => p.kernelName === kernelName);
  if (!patch) throw new Error(`no 'same'-padding patch for ${kernelName}`);
  return patch.make(stock);
}

function conv2dPatch(addon: NativeAddon): KernelPatch {
  return {
    name: `Conv2D: ${PATCH}`,
    kernelName: "Conv2D",
    backendName: "wasm",
    make(stock) {
      const fallback = samePaddingFallback("Conv2D", stock);
      return (args) => {
        const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
        const attrs = args.attrs as unknown as ConvAttrs;
        const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
        if (!nativeCovers(info, x, filter, shapeOnly(info.outShape))) return fallback(args);
        const backend = asWasm(args.backend);
        const y = backend.makeOutput(info.outShape, "float32");
        addon.conv2d(heapOf(backend), geometry(info), offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, y));
        return y;
      };
    },
  };
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

function fusedConv2dPatch(addon: NativeAddon): KernelPatch {
  return {
    name: `FusedConv2D: ${PATCH}`,
    kernelName: "FusedConv2D",
    backendName: "wasm",
    make(stock) {
      const fallback = samePaddingFallback("FusedConv2D", stock);
      return (args) => {
        const { x, filter, bias, preluActivationWeights: prelu } = args.inputs as {
          x: tf.TensorInfo;
          filter: tf.TensorInfo;
          bias?: tf.TensorInfo;
          preluActivationWeights?: tf.TensorInfo;
        };
        const attrs = args.attrs as unknown as FusedConvAttrs;
        const activation = attrs.activation ?? "linear";
        const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
        // The wasm Prelu kernel broadcasts its weights over the last axis only: a scalar or one per channel.
        const preluCovered = activation !== "prelu" || (prelu != null && prelu.dtype === "float32" && nativeBiasLength(prelu, info.outChannels) != null);
        if (!nativeCovers(info, x, filter, shapeOnly(info.outShape)) || !preluCovered) return fallback(args);

        const biasLength = bias ? nativeBiasLength(bias, info.outChannels) : 0;
        const nativeBias = biasLength != null;
        // The activation follows the bias: native only when the bias was.
        const nativeActivation = nativeBias && NATIVE_ACTIVATIONS.has(activation);
        const backend = asWasm(args.backend);
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
  };
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

function conv2dBackpropInputPatch(addon: NativeAddon): KernelPatch {
  return {
    name: `Conv2DBackpropInput: ${PATCH}`,
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    make(stock) {
      if (!stock) throw new Error("wasm backend has no Conv2DBackpropInput kernel to patch");
      return (args) => {
        const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
        const attrs = args.attrs as unknown as BackpropInputAttrs;
        const info = convInfo(attrs.inputShape, filter.shape, attrs, 1);
        if (!nativeCovers(info, shapeOnly(attrs.inputShape, dy.dtype), filter, dy)) return stock.kernelFunc(args);
        const backend = asWasm(args.backend);
        const dx = backend.makeOutput(info.inShape, "float32");
        addon.conv2dBackpropInput(heapOf(backend), geometry(info), offsetOf(backend, dy), offsetOf(backend, filter), offsetOf(backend, dx));
        return dx;
      };
    },
  };
}

function conv2dBackpropFilterNativePatch(addon: NativeAddon): KernelPatch {
  return {
    name: `Conv2DBackpropFilter: ${PATCH}`,
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    make(stock) {
      const fallback = conv2dBackpropFilterPatch("wasm").make(stock);
      return (args) => {
        const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
        const attrs = args.attrs as unknown as BackpropFilterAttrs;
        const info = convInfo(x.shape, attrs.filterShape, attrs, 1);
        if (!nativeCovers(info, x, shapeOnly(attrs.filterShape, x.dtype), dy)) return fallback(args);
        const backend = asWasm(args.backend);
        const dw = backend.makeOutput(attrs.filterShape, "float32");
        addon.conv2dBackpropFilter(heapOf(backend), geometry(info), offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, dw));
        return dw;
      };
    },
  };
}

/** The wasm backend's Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter on the native addon. */
export function nativeConvPatches(addon: NativeAddon): KernelPatch[] {
  return [conv2dPatch(addon), fusedConv2dPatch(addon), conv2dBackpropInputPatch(addon), conv2dBackpropFilterNativePatch(addon)];
}
