import { isInstalled, NATIVE_PACKAGES } from "./native.js";
import type { BackendInfo } from "./select.js";

const yesNo = (v: boolean | null): string => (v === null ? "n/a" : v ? "yes" : "no");

/**
 * A short text for `aelab info`. `installed` says which native packages npm put in node_modules
 * (looked up when not given); without them the "tensorflow" backend cannot be chosen.
 */
export function describeBackend(
  info: BackendInfo,
  installed: Record<string, boolean> = Object.fromEntries(NATIVE_PACKAGES.map((p) => [p, isInstalled(p)])),
): string {
  const versions = Object.entries(info.versions).map(([name, v]) => `${name} ${v}`);
  const native = NATIVE_PACKAGES.map((p) => `${p} ${installed[p] ? "installed" : "not installed"}`);
  const kernels = info.kernels.native
    ? `native BLAS: ${info.kernels.blas}, ${info.kernels.blasThreads} thread(s)`
    : info.name === "wasm"
      ? `wasm (native kernels off: ${info.kernels.reason})`
      : "the backend's own";
  const lines = [
    `backend   ${info.name} (${info.package})${info.gpu ? ", GPU" : ""}`,
    `simd      ${yesNo(info.simd)}`,
    `threads   ${info.threads ?? "n/a"}`,
    `kernels   ${kernels}`,
    `patches   ${info.patches.length > 0 ? info.patches[0] : "none"}`,
    ...info.patches.slice(1).map((p) => `          ${p}`),
    `versions  ${versions.join(", ")}`,
    `tfjs-node ${native.join(", ")}`,
  ];
  return lines.join("\n");
}
