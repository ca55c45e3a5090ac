import { isInstalled } from "./installed.js";
import type { BackendInfo } from "./select.js";
import { TENSORFLOW_PACKAGES } from "./tensorflow.js";
import type { AdapterInfo, AdapterProbe } from "./webgpu-setup.js";

const yesNo = (v: boolean | null): string => (v === null ? "n/a" : v ? "yes" : "no");

/** One line for a WebGPU adapter: who made it, what it is, whether it is a CPU (software) driver. */
export function describeAdapter(adapter: AdapterInfo): string {
  const kind = adapter.software ? "software (a CPU driver)" : "hardware";
  const name = adapter.description || adapter.device;
  return `${adapter.vendor} ${adapter.architecture}, ${name}, ${kind}`;
}

/** The adapter's lines; `label` heads the first ("adapter" for the running backend, "webgpu" for a probe). */
function adapterLines(adapter: AdapterInfo, label = "adapter"): string[] {
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const l = adapter.limits;
  return [
    `${label.padEnd(10)}${describeAdapter(adapter)}`,
    `limits    max buffer ${mib(l.maxBufferSize)}, storage binding ${mib(l.maxStorageBufferBindingSize)}, workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup`,
    `features  ${adapter.features.join(", ") || "none"}`,
  ];
}

/**
 * A short text for `aelab info`. `installed` says which tfjs-node packages npm put in node_modules
 * (looked up when not given); without them the "tensorflow" backend cannot be chosen. `webgpu` is what
 * a probe of Dawn found, printed when the chosen backend is another one.
 */
export function describeBackend(
  info: BackendInfo,
  installed: Record<string, boolean> = Object.fromEntries(TENSORFLOW_PACKAGES.map((p) => [p, isInstalled(p)])),
  webgpu?: AdapterProbe,
): string {
  const versions = Object.entries(info.versions).map(([name, v]) => `${name} ${v}`);
  const tfjsNode = TENSORFLOW_PACKAGES.map((p) => `${p} ${installed[p] ? "installed" : "not installed"}`);
  const kernels = info.kernels.native
    ? `native BLAS: ${info.kernels.blas}, ${info.kernels.blasThreads} thread(s)`
    : info.name === "wasm"
      ? `wasm (native kernels off: ${info.kernels.reason})`
      : "the backend's own";
  const lines = [
    `backend   ${info.name} (${info.package})${info.gpu ? ", GPU" : ""}`,
    ...info.skipped.map((reason) => `skipped   ${reason}`),
    ...(info.adapter ? adapterLines(info.adapter) : []),
    `simd      ${yesNo(info.simd)}`,
    `threads   ${info.threads ?? "n/a"}`,
    `kernels   ${kernels}`,
    ...(info.kernels.native && info.kernels.slowerKernels ? [`note      ${info.kernels.slowerKernels}`] : []),
    `patches   ${info.patches.length > 0 ? info.patches[0] : "none"}`,
    ...info.patches.slice(1).map((p) => `          ${p}`),
    `versions  ${versions.join(", ")}`,
    `tfjs-node ${tfjsNode.join(", ")}`,
  ];
  if (!info.adapter && webgpu) {
    lines.push(...(webgpu.ok ? adapterLines(webgpu.adapter, "webgpu") : [`webgpu    no adapter: ${webgpu.reason}`]));
  }
  return lines.join("\n");
}
