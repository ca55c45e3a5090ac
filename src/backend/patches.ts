import type { NativeAddon } from "./blas/addon.js";
import { nativeBiasAddPatch } from "./blas/bias-add.js";
import { nativeConvPatches } from "./blas/conv2d.js";
import { nativeLeakyReluPatches } from "./blas/leaky-relu.js";
import { nativeMatMulPatches } from "./blas/matmul.js";
import { nativeReluGradPatch } from "./blas/relu-grad.js";
import { nativeSumPatch } from "./blas/sum.js";
import { conv2dBackpropFilterPatch } from "./conv2d-backprop-filter.js";
import { wasmConv2dBackpropInputPatch } from "./conv2d-backprop-input-fast.js";
import { installPatch, restoreAllStock, type KernelPatch } from "./kernel-patch.js";
import { wasmSamePaddingPatches } from "./wasm-conv-same-padding.js";
import { wasmCastSamePatch, wasmIdentityPatch } from "./wasm-identity-share.js";
import { wasmBatchMatMulPatch, wasmFusedMatMulPatch } from "./wasm-matmul-transpose.js";
import { webgpuAddNPatch } from "./webgpu-add-n.js";
import { webgpuDeterministicMatMulPatches } from "./webgpu-deterministic-matmul.js";

function wasmFixes(): KernelPatch[] {
  return [wasmBatchMatMulPatch, wasmFusedMatMulPatch, conv2dBackpropFilterPatch("wasm"), wasmConv2dBackpropInputPatch, ...wasmSamePaddingPatches, wasmIdentityPatch, wasmCastSamePatch];
}

/**
 * The kernel fixes aelab installs for a backend (the native TensorFlow backend needs none). With the
 * native addon, its BLAS kernels take the place of the wasm fixes for the same kernels; the fixes for
 * kernels it does not replace (depthwise convs) stay.
 */
export function patchesFor(backendName: string, addon: NativeAddon | null = null): KernelPatch[] {
  switch (backendName) {
    case "wasm": {
      if (!addon) return wasmFixes();
      const native = [...nativeMatMulPatches(addon), ...nativeConvPatches(addon), nativeSumPatch(addon), ...nativeLeakyReluPatches(addon), nativeReluGradPatch(addon), nativeBiasAddPatch(addon)];
      const replaced = new Set(native.map((p) => p.kernelName));
      return [...native, ...wasmFixes().filter((p) => !replaced.has(p.kernelName))];
    }
    case "cpu":
      return [conv2dBackpropFilterPatch("cpu")];
    case "webgpu":
      return [webgpuAddNPatch, ...webgpuDeterministicMatMulPatches];
    default:
      return [];
  }
}

/** Installs every fix for the backend (idempotent; replaces the other set's patches) and returns their names. */
export function installPatches(backendName: string, addon: NativeAddon | null = null): string[] {
  const patches = patchesFor(backendName, addon);
  for (const patch of patches) installPatch(patch);
  return patches.map((p) => p.name);
}

/** Puts the backend's stock kernels back, e.g. to benchmark stock against patched in one process. */
export function restoreStockKernels(backendName: string): void {
  restoreAllStock(backendName);
}
