import * as tf from "@tensorflow/tfjs";
import type { KernelPatch } from "../kernel-patch.js";
import type { NativeAddon } from "./addon.js";
import { asWasm, heapOf, offsetOf } from "./heap.js";

/**
 * LeakyRelu's gradient as one kernel: dx = x > 0 ? dy : dy · alpha. Registered (natively) for wasm
 * only; the gradient below uses it where the active backend has it, and tfjs's own gradient
 * (Greater + Select + Multiply) everywhere else, so cpu and tensorflow are unchanged.
 */
export const LEAKY_RELU_GRAD = "AelabLeakyReluGrad";

interface AlphaAttrs {
  alpha: number;
}

// Kept on globalThis like the kernel registry itself: a second copy of this module (vitest
// re-evaluates modules) must find the stock gradient, not take the replacement for it.
const STOCK = Symbol.for("aelab.leakyReluStockGradient");
const MARK = Symbol.for("aelab.leakyReluGradient");
type Store = Record<symbol, tf.GradConfig | undefined>;

function hasGradKernel(): boolean {
  return (tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) as tf.KernelConfig | undefined) !== undefined;
}

const runGrad = (dy: tf.Tensor, x: tf.Tensor, alpha: number) => tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha }) as tf.Tensor;

/**
 * Points LeakyRelu's gradient at LEAKY_RELU_GRAD when the active backend registers it (float32
 * tensors), and at tfjs's stock gradient otherwise. Idempotent.
 */
export function installLeakyReluGradient(): void {
  const current = tf.getGradient("LeakyRelu") as (tf.GradConfig & Record<symbol, unknown>) | undefined;
  if (current?.[MARK]) return;
  if (!current) throw new Error("tfjs registers no gradient for LeakyRelu");
  (globalThis as unknown as Store)[STOCK] = current;
  const gradient: tf.GradConfig = {
    kernelName: "LeakyRelu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const stock = (globalThis as unknown as Store)[STOCK] as tf.GradConfig;
      if (Array.isArray(dy) || dy.dtype !== "float32" || x.dtype !== "float32" || !hasGradKernel()) return stock.gradFunc(dy, saved, attrs);
      const { alpha } = attrs as unknown as AlphaAttrs;
      return { x: () => runGrad(dy, x, alpha) };
    },
  };
  Object.defineProperty(gradient, MARK, { value: true });
  tf.registerGradient(gradient);
  // Second order (a gradient penalty through the network): dx is linear in dy with x's mask.
  tf.registerGradient({
    kernelName: LEAKY_RELU_GRAD,
    inputsToSave: ["x"],
    gradFunc: (ddx, saved, attrs) => {
      const [x] = saved;
      const { alpha } = attrs as unknown as AlphaAttrs;
      return { dy: () => runGrad(ddx as tf.Tensor, x, alpha), x: () => tf.zerosLike(x) };
    },
  });
}

/** Puts tfjs's own LeakyRelu gradient back (a no-op if it was never replaced). */
export function restoreLeakyReluGradient(): void {
  const current = tf.getGradient("LeakyRelu") as (tf.GradConfig & Record<symbol, unknown>) | undefined;
  const stock = (globalThis as unknown as Store)[STOCK];
  if (current?.[MARK] && stock) tf.registerGradient(stock);
}

const sizeOf = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

/** LeakyRelu forward and LEAKY_RELU_GRAD on wasm, each one native pass over float32 data. */
export function nativeLeakyReluPatches(addon: NativeAddon): KernelPatch[] {
  const forward: KernelPatch = {
    name: "LeakyRelu: native",
    kernelName: "LeakyRelu",
    backendName: "wasm",
    make(stock) {
      if (!stock) throw new Error("wasm backend has no LeakyRelu kernel to patch");
      return (args) => {
        const { x } = args.inputs as { x: tf.TensorInfo };
        if (x.dtype !== "float32") return stock.kernelFunc(args);
        const backend = asWasm(args.backend);
        const out = backend.makeOutput(x.shape, "float32");
        const n = sizeOf(x.shape);
        if (n === 0) return out;
        try {
          addon.leakyRelu(heapOf(backend), n, offsetOf(backend, x), offsetOf(backend, out), (args.attrs as unknown as AlphaAttrs).alpha);
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      };
    },
  };
  const gradient: KernelPatch = {
    name: `${LEAKY_RELU_GRAD}: native`,
    kernelName: LEAKY_RELU_GRAD,
    backendName: "wasm",
    make() {
      installLeakyReluGradient();
      return (args) => {
        const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
        if (dy.dtype !== "float32" || x.dtype !== "float32") throw new Error(`${LEAKY_RELU_GRAD}: float32 dy and x expected`);
        const n = sizeOf(x.shape);
        if (sizeOf(dy.shape) !== n) throw new Error(`${LEAKY_RELU_GRAD}: dy ${dy.shape} and x ${x.shape} differ in size`);
        const backend = asWasm(args.backend);
        const out = backend.makeOutput(x.shape, "float32");
        if (n === 0) return out;
        try {
          addon.leakyReluGrad(heapOf(backend), n, offsetOf(backend, dy), offsetOf(backend, x), offsetOf(backend, out), (args.attrs as unknown as AlphaAttrs).alpha);
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      };
    },
  };
  return [forward, gradient];
}
