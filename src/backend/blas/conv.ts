import * as tf from "@tensorflow/tfjs";

// The wasm backend's convolutions as im2col + OpenBLAS sgemm (native/src/conv.c), in place on the wasm
// heap: what the native Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter
// (kernels/wasm/) share. What the native code does not cover (NCHW, dilation > 1, other dtypes) goes
// to the pure-wasm kernel each patch replaces, with aelab's wasm fixes kept.

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

export interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** How the native conv patches name themselves. */
export const IM2COL = "native im2col + sgemm";

export function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dilations: number | [number, number]): tf.backend_util.Conv2DInfo {
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
export function nativeCovers(info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo, filter: tf.TensorInfo, y: tf.TensorInfo): boolean {
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
export function geometry(info: tf.backend_util.Conv2DInfo, biasOffset = 0, biasLength = 0, activation = 0): Int32Array {
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
export const shapeOnly = (shape: number[], dtype: tf.DataType = "float32") => ({ shape, dtype }) as tf.TensorInfo;
