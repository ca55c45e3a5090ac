import type { NativeAddon } from "./blas/addon.js";
import { installPatch, restoreAllStock, type KernelPatch } from "./kernel-patch.js";
import { cpuConv2dBackpropFilterPatch } from "./kernels/cpu/Conv2DBackpropFilter.js";
import { nativeBiasAddPatch } from "./kernels/wasm/Add.js";
import { nativeLeakyReluGradPatch } from "./kernels/wasm/AelabLeakyReluGrad.js";
import { nativeReluGradPatch } from "./kernels/wasm/AelabReluGrad.js";
import { nativeBatchMatMulPatch, wasmBatchMatMulPatch } from "./kernels/wasm/BatchMatMul.js";
import { wasmCastPatch } from "./kernels/wasm/Cast.js";
import { nativeConv2dPatch, wasmConv2dPatch } from "./kernels/wasm/Conv2D.js";
import { nativeConv2dBackpropFilterPatch, wasmConv2dBackpropFilterPatch } from "./kernels/wasm/Conv2DBackpropFilter.js";
import { nativeConv2dBackpropInputPatch, wasmConv2dBackpropInputPatch } from "./kernels/wasm/Conv2DBackpropInput.js";
import { wasmDepthwiseConv2dPatch } from "./kernels/wasm/DepthwiseConv2dNative.js";
import { nativeFusedConv2dPatch, wasmFusedConv2dPatch } from "./kernels/wasm/FusedConv2D.js";
import { wasmFusedDepthwiseConv2dPatch } from "./kernels/wasm/FusedDepthwiseConv2D.js";
import { nativeFusedMatMulPatch, wasmFusedMatMulPatch } from "./kernels/wasm/_FusedMatMul.js";
import { wasmIdentityPatch } from "./kernels/wasm/Identity.js";
import { nativeLeakyReluPatch } from "./kernels/wasm/LeakyRelu.js";
import { nativeSumPatch } from "./kernels/wasm/Sum.js";
import { webgpuAddNPatch } from "./kernels/webgpu/AddN.js";
import { webgpuBatchMatMulPatch } from "./kernels/webgpu/BatchMatMul.js";
import { webgpuFusedMatMulPatch } from "./kernels/webgpu/_FusedMatMul.js";

const WASM_FIXES: readonly KernelPatch[] = [
  wasmBatchMatMulPatch,
  wasmFusedMatMulPatch,
  wasmConv2dBackpropFilterPatch,
  wasmConv2dBackpropInputPatch,
  wasmConv2dPatch,
  wasmFusedConv2dPatch,
  wasmDepthwiseConv2dPatch,
  wasmFusedDepthwiseConv2dPatch,
  wasmIdentityPatch,
  wasmCastPatch,
];

/** The native kernels: the addon's BLAS and loops, on the wasm heap. */
function nativeKernels(addon: NativeAddon): KernelPatch[] {
  return [
    nativeBatchMatMulPatch(addon),
    nativeFusedMatMulPatch(addon),
    nativeConv2dPatch(addon),
    nativeFusedConv2dPatch(addon),
    nativeConv2dBackpropInputPatch(addon),
    nativeConv2dBackpropFilterPatch(addon),
    nativeSumPatch(addon),
    nativeLeakyReluPatch(addon),
    nativeLeakyReluGradPatch(addon),
    nativeReluGradPatch(addon),
    nativeBiasAddPatch(addon),
  ];
}

/**
 * The kernel fixes aelab installs for a backend (the tensorflow backend needs none). With the
 * native addon, its BLAS kernels take the place of the wasm fixes for the same kernels; the fixes for
 * kernels it does not replace (depthwise convs) stay.
 */
export function patchesFor(backendName: string, addon: NativeAddon | null = null): KernelPatch[] {
  switch (backendName) {
    case "wasm": {
      if (!addon) return [...WASM_FIXES];
      const native = nativeKernels(addon);
      const replaced = new Set(native.map((p) => p.kernelName));
      return [...native, ...WASM_FIXES.filter((p) => !replaced.has(p.kernelName))];
    }
    case "cpu":
      return [cpuConv2dBackpropFilterPatch];
    case "webgpu":
      return [webgpuAddNPatch, webgpuBatchMatMulPatch, webgpuFusedMatMulPatch];
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
