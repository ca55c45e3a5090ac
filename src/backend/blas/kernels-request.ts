import { BackendUnavailableError } from "../errors.js";
import { KERNELS_REQUESTS, type KernelsRequest } from "./addon.js";

/**
 * Which kernels the wasm backend runs: `--kernels` (the CLI copies it into AELAB_KERNELS, so child
 * processes inherit it) or AELAB_KERNELS; "auto" (the default) takes the native ones where they load.
 */
export function kernelsRequest(explicit: KernelsRequest | undefined, env: NodeJS.ProcessEnv = process.env): KernelsRequest {
  const value = explicit ?? env.AELAB_KERNELS ?? "auto";
  if (!(KERNELS_REQUESTS as readonly string[]).includes(value)) {
    throw new BackendUnavailableError(`AELAB_KERNELS must be one of ${KERNELS_REQUESTS.join(", ")} (got '${value}')`);
  }
  return value as KernelsRequest;
}
