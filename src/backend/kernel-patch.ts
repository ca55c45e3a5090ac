import * as tf from "@tensorflow/tfjs";

/** A replacement for one kernel of one backend, installed into tfjs's global kernel registry. */
export interface KernelPatch {
  /** Listed in BackendInfo.patches, e.g. "BatchMatMul: explicit transpose". */
  name: string;
  kernelName: string;
  backendName: string;
  /** Builds the replacement. `stock` is the kernel the backend shipped with, absent if it has none. */
  make(stock: tf.KernelConfig | undefined): tf.KernelFunc;
}

/** One call of a patched kernel: its inputs and attributes typed, and the call as tfjs made it (for the stock kernel). */
export interface PatchedCall<I, A> {
  inputs: I;
  attrs: A;
  backend: tf.KernelBackend;
  args: Parameters<tf.KernelFunc>[0];
}

export type PatchedKernelFunc<I, A> = (call: PatchedCall<I, A>) => tf.TensorInfo | tf.TensorInfo[];

interface PatchSpec {
  name: string;
  kernelName: string;
  backendName: string;
}

/**
 * A KernelPatch from the replacement kernel. `make` gets the stock kernel; installing the patch throws
 * where the backend has none, unless `stockOptional` (a kernel the backend lacks, or one aelab defines).
 */
export function patchKernel<I = tf.NamedTensorInfoMap, A = tf.NamedAttrMap>(
  spec: PatchSpec & { make(stock: tf.KernelConfig): PatchedKernelFunc<I, A> },
): KernelPatch;
export function patchKernel<I = tf.NamedTensorInfoMap, A = tf.NamedAttrMap>(
  spec: PatchSpec & { stockOptional: true; make(stock: tf.KernelConfig | undefined): PatchedKernelFunc<I, A> },
): KernelPatch;
export function patchKernel<I, A>(spec: PatchSpec & { stockOptional?: true; make(stock: tf.KernelConfig | undefined): PatchedKernelFunc<I, A> }): KernelPatch {
  const { name, kernelName, backendName } = spec;
  return {
    name,
    kernelName,
    backendName,
    make(stock) {
      if (!stock && !spec.stockOptional) throw new Error(`${backendName} backend has no ${kernelName} kernel to patch`);
      const kernel = spec.make(stock);
      return (args) => kernel({ inputs: args.inputs as unknown as I, attrs: args.attrs as unknown as A, backend: args.backend as tf.KernelBackend, args });
    },
  };
}

// The mark lives on the registered function, not in module state: the registry is a globalThis
// singleton, and a second copy of this module (vitest re-evaluates modules) must still see what is
// installed, or it would wrap a wrapper.
const MARK = Symbol.for("aelab.kernelPatch");

interface Mark {
  patch: string;
  stock: tf.KernelConfig | undefined;
}

function markOf(config: tf.KernelConfig | undefined): Mark | undefined {
  return config ? (config.kernelFunc as unknown as Record<symbol, Mark | undefined>)[MARK] : undefined;
}

function registered(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  // getKernel is typed as always returning a config, but it returns undefined for a missing kernel.
  return tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined;
}

/** Installs a patch; does nothing if that patch is already installed. */
export function installPatch(patch: KernelPatch): void {
  const current = registered(patch.kernelName, patch.backendName);
  const mark = markOf(current);
  if (mark?.patch === patch.name) return;
  const stock = mark ? mark.stock : current;
  const kernelFunc = patch.make(stock);
  Object.defineProperty(kernelFunc, MARK, { value: { patch: patch.name, stock } satisfies Mark });
  if (current) tf.unregisterKernel(patch.kernelName, patch.backendName);
  tf.registerKernel({
    kernelName: patch.kernelName,
    backendName: patch.backendName,
    kernelFunc,
    // The stock setup (cwrap of the C function) must still run when the backend is (re)initialised,
    // because the replacement calls the stock kernel.
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
  });
}

/** Puts the stock kernel back (or leaves the kernel unregistered if the backend has none). */
export function restoreStock(kernelName: string, backendName: string): void {
  const mark = markOf(registered(kernelName, backendName));
  if (!mark) return;
  tf.unregisterKernel(kernelName, backendName);
  if (mark.stock) tf.registerKernel(mark.stock);
}

/** Puts the stock kernel back for every kernel of the backend that an aelab patch replaces now. */
export function restoreAllStock(backendName: string): void {
  for (const config of tf.getKernelsForBackend(backendName)) if (markOf(config)) restoreStock(config.kernelName, backendName);
}

/** The kernel the backend shipped with, also while a patch replaces it. */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  const current = registered(kernelName, backendName);
  const mark = markOf(current);
  return mark ? mark.stock : current;
}

/** The name of the patch installed for a kernel, if any. */
export function installedPatch(kernelName: string, backendName: string): string | undefined {
  return markOf(registered(kernelName, backendName))?.patch;
}
