import type * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../../blas/addon.js";
import { asWasm, heapOf, offsetOf } from "../../blas/heap.js";
import { patchKernel, type KernelPatch } from "../../kernel-patch.js";

/**
 * Which operand of an Add is a bias broadcast along the other's last axis: shape [C] or [1, …, 1, C]
 * against a tensor whose last axis is C and which has at least as many axes (so it is the output's
 * shape). undefined for every other Add, which the stock kernel keeps.
 */
export function biasOperand(a: readonly number[], b: readonly number[]): "a" | "b" | undefined {
  const isBiasOf = (bias: readonly number[], x: readonly number[]) =>
    x.length >= 1 &&
    bias.length >= 1 &&
    bias.length <= x.length &&
    bias[bias.length - 1] === x[x.length - 1] &&
    bias.slice(0, -1).every((d) => d === 1) &&
    x.slice(0, -1).some((d) => d !== 1);
  if (isBiasOf(b, a)) return "b";
  if (isBiasOf(a, b)) return "a";
  return undefined;
}

/** Add of float32 x and a bias along x's last axis, in one native pass; every other Add is stock. */
export function nativeBiasAddPatch(addon: NativeAddon): KernelPatch {
  return patchKernel<{ a: tf.TensorInfo; b: tf.TensorInfo }>({
    name: "Add: native, a bias broadcast along the last axis",
    kernelName: "Add",
    backendName: "wasm",
    make:
      (stock) =>
      ({ inputs: { a, b }, backend: kernelBackend, args }) => {
        const which = a.dtype === "float32" && b.dtype === "float32" ? biasOperand(a.shape, b.shape) : undefined;
        if (!which) return stock.kernelFunc(args);
        const [x, bias] = which === "b" ? [a, b] : [b, a];
        const cols = x.shape[x.shape.length - 1];
        const rows = x.shape.slice(0, -1).reduce((n, d) => n * d, 1);
        const backend = asWasm(kernelBackend);
        const out = backend.makeOutput(x.shape, "float32");
        if (rows * cols === 0) return out;
        try {
          addon.addBias(heapOf(backend), rows, cols, offsetOf(backend, x), offsetOf(backend, bias), offsetOf(backend, out));
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      },
  });
}
