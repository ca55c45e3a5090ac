import type { NativeAddon } from "./addon.js";

// On globalThis, like tfjs's kernel registry: vitest may evaluate this module twice in one process,
// and both copies must agree on whether the native kernels are installed.
const KEY = Symbol.for("aelab.nativeKernels");

interface Holder {
  [KEY]?: NativeAddon | null;
}

/** The addon whose kernels are installed on the wasm backend now, or null (wasm kernels only). */
export function activeNativeKernels(): NativeAddon | null {
  return (globalThis as Holder)[KEY] ?? null;
}

export function setActiveNativeKernels(addon: NativeAddon | null): void {
  (globalThis as Holder)[KEY] = addon;
}
