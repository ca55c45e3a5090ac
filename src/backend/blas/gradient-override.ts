import * as tf from "@tensorflow/tfjs";
import { patchKernel, type KernelPatch } from "../kernel-patch.js";
import { asWasm, heapOf, offsetOf } from "./heap.js";

/**
 * Replaces an op's registered gradient with one that runs a single aelab gradient kernel where the
 * active backend registers that kernel (and the tensors are float32), and tfjs's stock gradient
 * everywhere else, so cpu and tensorflow compute exactly what they always did.
 */
export interface GradientOverride {
  /** The forward kernel whose gradient is replaced, e.g. "Relu". */
  kernelName: string;
  /** The aelab kernel computing dx from dy and the saved input x, e.g. "AelabReluGrad". */
  gradKernelName: string;
  /** The gradient kernel's attributes from the forward op's. */
  attrsOf: (attrs: tf.NamedAttrMap) => tf.NamedAttrMap;
}

// Kept on globalThis like the kernel registry itself: a second copy of this module (vitest
// re-evaluates modules) must find the stock gradient, not take the replacement for it.
const stockKey = (kernelName: string) => Symbol.for(`aelab.stockGradient.${kernelName}`);
const MARK = Symbol.for("aelab.gradientOverride");
type Store = Record<symbol, tf.GradConfig | undefined>;
type Marked = tf.GradConfig & Record<symbol, unknown>;

function hasKernel(kernelName: string): boolean {
  return (tf.getKernel(kernelName, tf.getBackend()) as tf.KernelConfig | undefined) !== undefined;
}

/** Installs the override (idempotent), and the gradient kernel's own gradient for second order. */
function installGradientOverride({ kernelName, gradKernelName, attrsOf }: GradientOverride): void {
  const current = tf.getGradient(kernelName) as Marked | undefined;
  if (current?.[MARK]) return;
  if (!current) throw new Error(`tfjs registers no gradient for ${kernelName}`);
  (globalThis as unknown as Store)[stockKey(kernelName)] = current;
  const run = (dy: tf.Tensor, x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.engine().runKernel(gradKernelName, { dy, x }, attrs) as tf.Tensor;
  const gradient: tf.GradConfig = {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const stock = (globalThis as unknown as Store)[stockKey(kernelName)] as tf.GradConfig;
      if (Array.isArray(dy) || dy.dtype !== "float32" || x.dtype !== "float32" || !hasKernel(gradKernelName)) return stock.gradFunc(dy, saved, attrs);
      return { x: () => run(dy, x, attrsOf(attrs)) };
    },
  };
  Object.defineProperty(gradient, MARK, { value: true });
  tf.registerGradient(gradient);
  // Second order (a gradient penalty through the network): dx is linear in dy with x's mask.
  tf.registerGradient({
    kernelName: gradKernelName,
    inputsToSave: ["x"],
    gradFunc: (ddx, saved, attrs) => {
      const [x] = saved;
      return { dy: () => run(ddx as tf.Tensor, x, attrs), x: () => tf.zerosLike(x) };
    },
  });
}

const sizeOf = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * The wasm kernel of an override's gradient: dx from float32 dy and x of the same size, one native
 * call `run(heap, n, dyOffset, xOffset, dxOffset, attrs)` writing a new output. Installing the
 * kernel also installs the override that calls it.
 */
export function gradientKernelPatch(
  override: GradientOverride,
  run: (heap: Uint8Array, n: number, dyOffset: number, xOffset: number, dxOffset: number, attrs: tf.NamedAttrMap) => void,
): KernelPatch {
  const { gradKernelName } = override;
  return patchKernel<{ dy: tf.TensorInfo; x: tf.TensorInfo }>({
    name: `${gradKernelName}: native`,
    kernelName: gradKernelName,
    backendName: "wasm",
    stockOptional: true,
    make() {
      installGradientOverride(override);
      return ({ inputs: { dy, x }, backend: kernelBackend, args }) => {
        if (dy.dtype !== "float32" || x.dtype !== "float32") throw new Error(`${gradKernelName}: float32 dy and x expected`);
        const n = sizeOf(x.shape);
        if (sizeOf(dy.shape) !== n) throw new Error(`${gradKernelName}: dy ${dy.shape} and x ${x.shape} differ in size`);
        const backend = asWasm(kernelBackend);
        const out = backend.makeOutput(x.shape, "float32");
        if (n === 0) return out;
        try {
          run(heapOf(backend), n, offsetOf(backend, dy), offsetOf(backend, x), offsetOf(backend, out), args.attrs ?? {});
        } catch (err) {
          backend.disposeData(out.dataId);
          throw err;
        }
        return out;
      };
    },
  });
}
