import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "./errors.js";
import { isInstalled, NATIVE_PACKAGES, startNative } from "./native.js";
import { loadAddon, type KernelsRequest, type NativeAddon } from "./blas/addon.js";
import { kernelsRequest } from "./blas/kernels-request.js";
import { setActiveNativeKernels } from "./blas/state.js";
import { blasThreads } from "./blas/threads.js";
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
  /** Kernel fixes and native kernels installed by aelab. */
  patches: string[];
  /** Whether the wasm backend runs aelab's native BLAS kernels, and why not where it does not. */
  kernels: NativeKernelsInfo;
  /** tfjs-core, the backend package, node. */
  versions: Record<string, string>;
}

export type NativeKernelsInfo =
  | { native: true; blas: string; blasThreads: number; addon: string }
  | { native: false; reason: string };

export interface SelectOptions {
  /** Default: AELAB_KERNELS, else "auto". */
  kernels?: KernelsRequest;
  /** BLAS threads for the native kernels. Default: AELAB_THREADS, else every core. */
  threads?: number;
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
export async function selectBackend(request: BackendRequest = "auto", options: SelectOptions = {}): Promise<BackendInfo> {
  if (!BACKEND_REQUESTS.includes(request)) {
    throw new BackendUnavailableError(`unknown backend '${String(request)}': expected one of ${BACKEND_REQUESTS.join(", ")}`);
  }
  // Silences the cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  // PROD only mutes tfjs's console warnings; it changes no computation.
  tf.enableProdMode();
  const kernels = kernelsRequest(options.kernels);
  const reasons: string[] = [];
  for (const name of request === "auto" ? BACKENDS : [request]) {
    const started = await START[name]();
    if (!started.ok) {
      if (request !== "auto") throw unavailable(name, started.reason);
      reasons.push(`${name}: ${started.reason}`);
      continue;
    }
    const { info: native, addon } = name === "wasm" ? nativeKernelsFor(kernels, options.threads) : { info: { native: false as const, reason: `the ${name} backend runs its own kernels` }, addon: null };
    if (kernels === "native" && !native.native) throw new BackendUnavailableError(`native kernels requested (--kernels native) but ${native.reason}`);
    // The fused optimizer reads this; on other backends it must see no addon.
    setActiveNativeKernels(addon);
    return {
      name,
      package: started.package,
      gpu: started.gpu,
      simd: started.simd,
      threads: started.threads,
      patches: installPatches(name, addon),
      kernels: native,
      versions: { "tfjs-core": tf.version_core, ...started.versions, node: process.versions.node },
    };
  }
  throw new BackendUnavailableError(`no TensorFlow.js backend could be started: ${reasons.join("; ")}`);
}

/** Loads the addon unless the wasm kernels were asked for, and sets its thread count. */
function nativeKernelsFor(kernels: KernelsRequest, threads: number | undefined): { info: NativeKernelsInfo; addon: NativeAddon | null } {
  if (kernels === "wasm") return { info: { native: false, reason: "the wasm kernels were asked for (--kernels wasm or AELAB_KERNELS=wasm)" }, addon: null };
  const loaded = loadAddon();
  if (!loaded.ok) return { info: { native: false, reason: loaded.reason }, addon: null };
  loaded.addon.setThreads(threads ?? blasThreads());
  const blas = loaded.addon.blasInfo();
  const info: NativeKernelsInfo = { native: true, blas: [blas.name, blas.core, blas.parallel].filter(Boolean).join(" "), blasThreads: loaded.addon.getThreads(), addon: loaded.path };
  return { info, addon: loaded.addon };
}

/** Which backends could be tried here; "installed" says the package is present, not that it loads. */
export function availableBackends(): Array<{ name: BackendName; package: string; installed: boolean }> {
  return [
    ...NATIVE_PACKAGES.map((pkg) => ({ name: "tensorflow" as const, package: pkg, installed: isInstalled(pkg) })),
    { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", installed: isInstalled("@tensorflow/tfjs-backend-wasm") },
    { name: "cpu", package: CPU_PACKAGE, installed: true },
  ];
}
