import { conv2dBackpropFilterPatch } from "./conv2d-backprop-filter.js";
import { wasmConv2dBackpropInputPatch } from "./conv2d-backprop-input-fast.js";
import { installPatch, restoreStock, type KernelPatch } from "./kernel-patch.js";
import { wasmSamePaddingPatches } from "./wasm-conv-same-padding.js";
import { wasmBatchMatMulPatch, wasmFusedMatMulPatch } from "./wasm-matmul-transpose.js";

/** The kernel fixes aelab installs for a backend (the native TensorFlow backend needs none). */
export function patchesFor(backendName: string): KernelPatch[] {
  switch (backendName) {
    case "wasm":
      return [
        wasmBatchMatMulPatch,
        wasmFusedMatMulPatch,
        conv2dBackpropFilterPatch("wasm"),
        wasmConv2dBackpropInputPatch,
        ...wasmSamePaddingPatches,
      ];
    case "cpu":
      return [conv2dBackpropFilterPatch("cpu")];
    default:
      return [];
  }
}

/** Installs every fix for the backend (idempotent) and returns their names. */
export function installPatches(backendName: string): string[] {
  const patches = patchesFor(backendName);
  for (const patch of patches) installPatch(patch);
  return patches.map((p) => p.name);
}

/** Puts the backend's stock kernels back, e.g. to benchmark stock against patched in one process. */
export function restoreStockKernels(backendName: string): void {
  for (const patch of patchesFor(backendName)) restoreStock(patch.kernelName, patch.backendName);
}
