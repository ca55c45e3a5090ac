// The backend module's public surface: choosing a backend, describing it, and its kernel fixes.
export { BACKEND_REQUESTS, availableBackends, selectBackend, type BackendInfo, type BackendName, type BackendRequest } from "./select.js";
export { BackendUnavailableError } from "./errors.js";
export { describeBackend } from "./info.js";
export { installPatches, patchesFor, restoreStockKernels } from "./patches.js";
