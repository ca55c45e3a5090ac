// The backend module's public surface: choosing a backend, describing it, and its kernel fixes.
export {
  BACKEND_REQUESTS,
  availableBackends,
  selectBackend,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  type NativeKernelsInfo,
  type SelectOptions,
} from "./select.js";
export { BackendUnavailableError } from "./errors.js";
export { describeAdapter, describeBackend } from "./info.js";
export { probeAdapter, type AdapterInfo, type AdapterProbe } from "./webgpu-setup.js";
export { installPatches, patchesFor, restoreStockKernels } from "./patches.js";
export { KERNELS_REQUESTS, loadAddon, type KernelsRequest, type NativeAddon } from "./blas/addon.js";
export { activeNativeKernels } from "./blas/state.js";
export { blasThreads, workerThreadEnv } from "./blas/threads.js";
