import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The optional native addon (native/, built at npm install by scripts/build-native.mjs). Every
 * function works in place on tfjs-backend-wasm's heap: `heap` is the heap's bytes (a Uint8Array
 * view, which also covers the threaded build's SharedArrayBuffer), offsets and strides are in bytes.
 */
export interface NativeAddon {
  setThreads(n: number): void;
  getThreads(): number;
  blasInfo(): { name: string; config: string; core: string; parallel: string };
  /**
   * C[b] = act(op(A[b]) · op(B[b]) + bias) for b < batch, row-major, op = transpose when the flag is
   * set (A stored [K,M], B stored [N,K]). Strides 0 broadcast an operand over the batch. biasOffset
   * -1: no bias; biasLength 1 (a scalar) or N (one per column). activation: see ACTIVATIONS.
   */
  gemm(
    heap: Uint8Array,
    batch: number, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean,
    aOffset: number, bOffset: number, cOffset: number,
    strideA: number, strideB: number, strideC: number,
    biasOffset: number, biasLength: number, activation: number, alpha: number,
  ): void;
  /** NHWC input, HWIO filter, NHWC output; dilations 1. */
  conv2d(heap: Uint8Array, geometry: Int32Array, xOffset: number, filterOffset: number, yOffset: number): void;
  /** dx from dy and the filter (the transposed convolution). */
  conv2dBackpropInput(heap: Uint8Array, geometry: Int32Array, dyOffset: number, filterOffset: number, dxOffset: number): void;
  /** dFilter from x and dy. */
  conv2dBackpropFilter(heap: Uint8Array, geometry: Int32Array, xOffset: number, dyOffset: number, dwOffset: number): void;
  /**
   * One Adam step for many variables at once. `slots` holds, per variable, the byte offsets of its
   * value, first moment, second moment and gradient, and its element count (5 numbers each).
   * `scalars` = [lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t], each already rounded to float32.
   */
  adam(heap: Uint8Array, slots: Float64Array, scalars: Float32Array): void;
}

/** Activation codes shared with native/src/gemm.c. */
export const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5 };

/** AELAB_KERNELS=wasm turns the native kernels off (e.g. to compare); "native" makes their absence an error. */
export type KernelsRequest = "auto" | "native" | "wasm";
export const KERNELS_REQUESTS = ["auto", "native", "wasm"] as const satisfies readonly KernelsRequest[];

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const ADDON_PATH = path.join(root, "native", "build", "Release", "aelab_kernels.node");

let cached: AddonLoad | undefined;

/** Loads the addon once per process; `AELAB_NATIVE_ADDON` points at another build (tests use a missing path). */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const file = process.env.AELAB_NATIVE_ADDON || ADDON_PATH;
  if (!existsSync(file)) {
    cached = { ok: false, reason: `the native addon was not built (${path.relative(process.cwd(), file) || file} is missing; install libopenblas-dev, then npm run build:native)` };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    cached = { ok: true, addon, path: file };
  } catch (err) {
    cached = { ok: false, reason: `the native addon does not load (${String((err as Error).message ?? err).split("\n")[0]})` };
  }
  return cached;
}
