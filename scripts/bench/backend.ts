/**
 * Starts the backend with the kernel set a bench child was asked for: wasm with its own or the native
 * kernels, or webgpu. The parent also sets AELAB_KERNELS for the child, so the choice holds even for
 * code that selects a backend on its own.
 */
import { describeAdapter, loadAddon, selectBackend, type BackendInfo } from "../../src/backend/index.js";
import { firstLine } from "../../src/util/first-line.js";
import type { KernelSet } from "./args.js";
import type { BackendSummary } from "./job.js";

export type Started = { ok: true; info: BackendInfo; summary: BackendSummary } | { ok: false; reason: string };

export async function startBackend(kernels: KernelSet, blasThreads?: number): Promise<Started> {
  if (kernels === "webgpu") return startWebgpu();
  let info: BackendInfo;
  try {
    info = await selectBackend("wasm", { kernels, threads: blasThreads });
  } catch (err) {
    // selectBackend refuses "native" when the addon is missing or does not load, and says why.
    return { ok: false, reason: firstLine(err) };
  }
  // `kernels` is read defensively: a checkout whose selectBackend predates the option ignores it.
  const native = info.kernels?.native === true;
  if (kernels === "native" && !native) return { ok: false, reason: "selectBackend did not install the native kernels (no kernels option in this checkout?)" };
  if (kernels === "wasm" && native) return { ok: false, reason: "the native kernels were installed although the wasm ones were asked for" };
  const loaded = loadAddon();
  const summary: BackendSummary = {
    kernels,
    simd: info.simd,
    threads: info.threads,
    versions: info.versions,
    blasConfig: loaded.ok ? loaded.addon.blasInfo().config : undefined,
    ...(info.kernels?.native ? { blas: info.kernels.blas, blasThreads: info.kernels.blasThreads, slowerKernels: info.kernels.slowerKernels } : {}),
  };
  return { ok: true, info, summary };
}

async function startWebgpu(): Promise<Started> {
  let info: BackendInfo;
  try {
    info = await selectBackend("webgpu");
  } catch (err) {
    // No adapter, or the optional packages missing: the one line selectBackend gives.
    return { ok: false, reason: firstLine(err) };
  }
  const summary: BackendSummary = {
    kernels: "webgpu",
    simd: null,
    threads: null,
    versions: info.versions,
    adapter: info.adapter ? describeAdapter(info.adapter) : undefined,
  };
  return { ok: true, info, summary };
}
