import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "./errors.js";
import { isInstalled, NATIVE_PACKAGES, startNative } from "./native.js";
import { installPatches } from "./patches.js";
import type { Started } from "./started.js";
import { startWasm } from "./wasm-setup.js";

/** "tensorflow" is the native backend of @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node. */
export type BackendName = "tensorflow" | "wasm" | "cpu";
export type BackendRequest = "auto" | BackendName;

/** Every accepted request, e.g. for a CLI option's choices. */
export const BACKEND_REQUESTS = ["auto", "tensorflow", "wasm", "cpu"] as const satisfies readonly BackendRequest[];

export interface BackendInfo {
  name: BackendName;
  /** The npm package that provides the backend, e.g. "@tensorflow/tfjs-backend-wasm". */
  package: string;
  gpu: boolean;
  /** null where the backend does not say (native, cpu). */
  simd: boolean | null;
  threads: number | null;
  /** Kernel fixes installed by aelab. */
  patches: string[];
  /** tfjs-core, the backend package, node. */
  versions: Record<string, string>;
}

const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];
const CPU_PACKAGE = "@tensorflow/tfjs-backend-cpu";

async function startCpu(): Promise<Started> {
  if (!(await tf.setBackend("cpu"))) return { ok: false, reason: "tf.setBackend('cpu') failed" };
  return { ok: true, package: CPU_PACKAGE, gpu: false, simd: null, threads: 1, versions: { [CPU_PACKAGE]: tf.version["tfjs-backend-cpu"] } };
}

const START: Record<BackendName, () => Promise<Started>> = {
  tensorflow: startNative,
  wasm: startWasm,
  cpu: startCpu,
};

function unavailable(name: BackendName, reason: string): BackendUnavailableError {
  const others = BACKENDS.filter((b) => b !== name && b !== "tensorflow").join(" or ");
  return new BackendUnavailableError(`backend '${name}' is not available: ${reason}; use --backend ${others}`);
}

/**
 * Makes a backend the active one and installs its kernel fixes. "auto" takes the first that starts
 * of tensorflow (GPU build, then CPU build), wasm, cpu. Safe to call again, with any request.
 */
export async function selectBackend(request: BackendRequest = "auto"): Promise<BackendInfo> {
  if (!BACKEND_REQUESTS.includes(request)) {
    throw new BackendUnavailableError(`unknown backend '${String(request)}': expected one of ${BACKEND_REQUESTS.join(", ")}`);
  }
  // Silences the cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  // PROD only mutes tfjs's console warnings; it changes no computation.
  tf.enableProdMode();
  const reasons: string[] = [];
  for (const name of request === "auto" ? BACKENDS : [request]) {
    const started = await START[name]();
    if (!started.ok) {
      if (request !== "auto") throw unavailable(name, started.reason);
      reasons.push(`${name}: ${started.reason}`);
      continue;
    }
    return {
      name,
      package: started.package,
      gpu: started.gpu,
      simd: started.simd,
      threads: started.threads,
      patches: installPatches(name),
      versions: { "tfjs-core": tf.version_core, ...started.versions, node: process.versions.node },
    };
  }
  throw new BackendUnavailableError(`no TensorFlow.js backend could be started: ${reasons.join("; ")}`);
}

/** Which backends could be tried here; "installed" says the package is present, not that it loads. */
export function availableBackends(): Array<{ name: BackendName; package: string; installed: boolean }> {
  return [
    ...NATIVE_PACKAGES.map((pkg) => ({ name: "tensorflow" as const, package: pkg, installed: isInstalled(pkg) })),
    { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", installed: isInstalled("@tensorflow/tfjs-backend-wasm") },
    { name: "cpu", package: CPU_PACKAGE, installed: true },
  ];
}
