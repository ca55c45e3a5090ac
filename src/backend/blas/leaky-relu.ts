import * as tf from "@tensorflow/tfjs";
import type { KernelPatch } from "../kernel-patch.js";
import type { NativeAddon } from "./addon.js";
import { gradientKernelPatch, installGradientOverride, restoreStockGradient } from "./gradient-override.js";
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

const OVERRIDE = { kernelName: "LeakyRelu", gradKernelName: LEAKY_RELU_GRAD, attrsOf: (attrs: tf.NamedAttrMap) => ({ alpha: attrs.alpha }) };

/**
 * Points LeakyRelu's gradient at LEAKY_RELU_GRAD when the active backend registers it (float32
 * tensors), and at tfjs's stock gradient otherwise. Idempotent.
 */
export function installLeakyReluGradient(): void {
  installGradientOverride(OVERRIDE);
}

/** Puts tfjs's own LeakyRelu gradient back (a no-op if it was never replaced). */
export function restoreLeakyReluGradient(): void {
  restoreStockGradient("LeakyRelu");
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
  const gradient = gradientKernelPatch(OVERRIDE, (heap, n, dy, x, dx, attrs) => addon.leakyReluGrad(heap, n, dy, x, dx, (attrs as unknown as AlphaAttrs).alpha));
  return [forward, gradient];
}
