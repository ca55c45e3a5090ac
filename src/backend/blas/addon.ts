import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { firstLine } from "../../util/first-line.js";
import { PACKAGE_ROOT } from "../../util/package-root.js";

/**
 * The optional native addon (native/, built at npm install by scripts/build-native.mjs). Every
 * function works in place on tfjs-backend-wasm's heap: `heap` is the heap's bytes (a Uint8Array
 * view, which also covers the threaded build's SharedArrayBuffer), offsets and strides are in bytes.
 */
export interface NativeAddon {
  /**
   * The kernels' threads (1 to 1024). gemm and conv cut their work into parts fixed by the shapes and
   * run each part as a single-threaded sgemm (the BLAS's own threading is off), so results have the
   * same bits on any thread count. Every call holds one process-wide lock: worker threads may each
   * load the addon, and their calls take turns. A bad argument throws an Error naming the function
   * and the argument; nothing is written then.
   */
  setThreads(n: number): void;
  /** The kernels' threads; 0 where the BLAS chooses for itself (Accelerate). */
  getThreads(): number;
  blasInfo(): { name: string; config: string; core: string; parallel: string };
  /**
   * C[b] = act(op(A[b]) · op(B[b]) + bias) for b < batch, row-major, op = transpose when the flag is
   * set (A stored [K,M], B stored [N,K]). Strides 0 broadcast an operand over the batch. biasOffset
   * -1: no bias; biasLength 1 (a scalar) or N (one per column). activation: see ACTIVATIONS.
   */
  gemm(
    heap: Uint8Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aOffset: number,
    bOffset: number,
    cOffset: number,
    strideA: number,
    strideB: number,
    strideC: number,
    biasOffset: number,
    biasLength: number,
    activation: number,
    alpha: number,
  ): void;
  /**
   * y = act(conv(x, filter) + bias): NHWC input x[B,H,W,Ci], HWIO filter[FH,FW,Ci,Co], NHWC output
   * y[B,OH,OW,Co]; dilation 1, any stride, explicit padding. `geometry` always describes this forward
   * convolution, also for the two gradients below (src/backend/blas/conv.ts builds it):
   *   [0] B, [1] H, [2] W, [3] Ci, [4] OH, [5] OW, [6] Co, [7] FH, [8] FW,
   *   [9] stride height, [10] stride width, [11] pad top, [12] pad left
   *   (output pixel (oh, ow) reads input rows oh·stride − padTop …, columns ow·stride − padLeft …;
   *   taps outside the input are zeros, so bottom/right padding follows from OH and OW);
   *   conv2d only, optional (absent: no bias, linear):
   *   [13] bias byte offset, read as unsigned 32 bits (Int32Array keeps any heap offset's bits),
   *   [14] bias length: 0 none, 1 one value, Co one per output channel,
   *   [15] activation: ACTIVATIONS.linear, .relu or .relu6 (the others are left to the caller).
   * Every tensor is checked to lie inside the heap; a bad offset or geometry throws.
   */
  conv2d(heap: Uint8Array, geometry: Int32Array, xOffset: number, filterOffset: number, yOffset: number): void;
  /**
   * dx[B,H,W,Ci] from dy[B,OH,OW,Co] and the filter: the transposed convolution (also
   * tf.conv2dTranspose's forward pass). `geometry` as for conv2d (slots 0–12; 13–15 are ignored).
   */
  conv2dBackpropInput(heap: Uint8Array, geometry: Int32Array, dyOffset: number, filterOffset: number, dxOffset: number): void;
  /** dW[FH,FW,Ci,Co] from x[B,H,W,Ci] and dy[B,OH,OW,Co]; `geometry` as for conv2d (slots 0–12). */
  conv2dBackpropFilter(heap: Uint8Array, geometry: Int32Array, xOffset: number, dyOffset: number, dwOffset: number): void;
  /**
   * One Adam step for many variables at once, bit for bit tfjs's AdamOptimizer.applyGradients
   * (native/src/adam.c). `slots` holds, per variable, the byte offsets of its value, first moment,
   * second moment and gradient, and its element count (5 numbers each); value and moments are
   * updated in place. `scalars` = [beta1, 1 - beta1, beta2, 1 - beta2, epsilon, -learningRate] as
   * tfjs makes them: each JavaScript number (1 - beta taken in double) rounded to float32. The
   * running powers accBeta1/accBeta2 are float32 scalars on the heap, read for the bias correction
   * and multiplied by beta1/beta2 in place, so JavaScript never needs their values. Returns the
   * gradients' sum of squares (in double), read in the same pass, for the gradient-norm diagnostic.
   */
  adam(heap: Uint8Array, accBeta1Offset: number, accBeta2Offset: number, slots: Float64Array, scalars: Float32Array): number;
  /** sqrt of the sum of squares over tensors given as (byte offset, element count) pairs, written as one float at outOffset. */
  l2Norm(heap: Uint8Array, slots: Float64Array, outOffset: number): void;
  /** out[j] = sum over i of x[i·cols + j] (float32, rows added in order): a sum over leading axes. */
  sumLeading(heap: Uint8Array, rows: number, cols: number, xOffset: number, outOffset: number): void;
  /** out = x < 0 ? alpha·x : x over n floats (alpha rounded to float32). */
  leakyRelu(heap: Uint8Array, n: number, xOffset: number, outOffset: number, alpha: number): void;
  /** dx = x > 0 ? dy : dy·alpha over n floats: LeakyRelu's gradient. */
  leakyReluGrad(heap: Uint8Array, n: number, dyOffset: number, xOffset: number, dxOffset: number, alpha: number): void;
  /** dx = dy · step(x) over n floats (step: 1 where x > 0, 0 where not, NaN for NaN): Relu's gradient. `unused` is 0. */
  reluGrad(heap: Uint8Array, n: number, dyOffset: number, xOffset: number, dxOffset: number, unused: number): void;
  /** out[i, j] = x[i, j] + bias[j] over a [rows, cols] float32 tensor (Add with a bias broadcast along the last axis). */
  addBias(heap: Uint8Array, rows: number, cols: number, xOffset: number, biasOffset: number, outOffset: number): void;
}

/** Activation codes shared with native/src/gemm.c. */
export const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5 };

/** AELAB_KERNELS=wasm turns the native kernels off (e.g. to compare); "native" makes their absence an error. */
export type KernelsRequest = "auto" | "native" | "wasm";
export const KERNELS_REQUESTS = ["auto", "native", "wasm"] as const satisfies readonly KernelsRequest[];

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

export const ADDON_PATH = path.join(PACKAGE_ROOT, "native", "build", "Release", "aelab_kernels.node");

/** Every function aelab calls on the addon. */
const ADDON_FUNCTIONS = [
  "setThreads",
  "getThreads",
  "blasInfo",
  "gemm",
  "conv2d",
  "conv2dBackpropInput",
  "conv2dBackpropFilter",
  "adam",
  "l2Norm",
  "sumLeading",
  "leakyRelu",
  "leakyReluGrad",
  "reluGrad",
  "addBias",
] as const satisfies ReadonlyArray<keyof NativeAddon>;

let cached: AddonLoad | undefined;

/** Loads the addon once per process; `AELAB_NATIVE_ADDON` points at another build (tests use a missing path). */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const file = process.env.AELAB_NATIVE_ADDON || ADDON_PATH;
  if (!existsSync(file)) {
    cached = {
      ok: false,
      reason: `the native addon was not built (${path.relative(process.cwd(), file) || file} is missing; install libopenblas-dev, then npm run build:native)`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    // A build from an older checkout (a git pull without npm install) lacks the newer kernels.
    const missing = ADDON_FUNCTIONS.filter((name) => typeof addon[name] !== "function");
    cached = missing.length
      ? { ok: false, reason: `the native addon is out of date (it has no ${missing.join(", ")}; run npm run build:native)` }
      : { ok: true, addon, path: file };
  } catch (err) {
    cached = { ok: false, reason: `the native addon does not load (${firstLine(err)})` };
  }
  return cached;
}
