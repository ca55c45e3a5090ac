import * as tf from "@tensorflow/tfjs";
import { coreTypeAdvice } from "./blas/core-advice.js";
import { BackendUnavailableError } from "./errors.js";
import { isInstalled } from "./installed.js";
import { loadAddon, type KernelsRequest, type NativeAddon } from "./blas/addon.js";
import { kernelsRequest } from "./blas/kernels-request.js";
import { setActiveNativeKernels } from "./blas/state.js";
import { blasThreads } from "./blas/threads.js";
import { installPatches } from "./patches.js";
import type { Started } from "./started.js";
import { startTensorflow, TENSORFLOW_PACKAGES } from "./tensorflow.js";
import { startWasm } from "./wasm-setup.js";
import { startWebgpu, WEBGPU_PACKAGES, type AdapterInfo } from "./webgpu-setup.js";

/**
 * "tensorflow" is TensorFlow's C library through @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node;
 * "webgpu" is @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` npm package) and any Vulkan driver
 * it accepts.
 */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";
export type BackendRequest = "auto" | BackendName;

/** Every accepted request, e.g. for a CLI option's choices. */
export const BACKEND_REQUESTS = ["auto", "tensorflow", "webgpu", "wasm", "cpu"] as const satisfies readonly BackendRequest[];

export interface BackendInfo {
  name: BackendName;
  /** The npm package that provides the backend, e.g. "@tensorflow/tfjs-backend-wasm". */
  package: string;
  gpu: boolean;
  /** null where the backend does not say (tensorflow, cpu). */
  simd: boolean | null;
  threads: number | null;
  /** Kernel fixes and native kernels installed by aelab. */
  patches: string[];
  /** Whether the wasm backend runs aelab's native BLAS kernels, and why not where it does not. */
  kernels: NativeKernelsInfo;
  /** tfjs-core, the backend package, node. */
  versions: Record<string, string>;
  /** The WebGPU adapter the webgpu backend runs on; null on the other backends. */
  adapter: AdapterInfo | null;
  /** Backends "auto" passed over before this one, each with the one-line reason. */
  skipped: string[];
}

export type NativeKernelsInfo =
  | {
      native: true;
      blas: string;
      blasThreads: number;
      addon: string;
      /** Where the environment forces slower BLAS kernels than the CPU supports: which variable, and what it costs (core-advice.ts). */
      slowerKernels?: string;
    }
  | { native: false; reason: string };

export interface SelectOptions {
  /** Default: AELAB_KERNELS, else "auto". */
  kernels?: KernelsRequest;
  /** BLAS threads for the native kernels. Default: AELAB_THREADS, else every core. */
  threads?: number;
  /**
   * The caller reads tensors synchronously (dataSync), as the report's metrics do: webgpu cannot in
   * Node, so "auto" passes it over and asking for it is refused. Training reads asynchronously.
   */
  readsSynchronously?: boolean;
}

/** The auto order: TensorFlow (tfjs-node, GPU build first), WebGPU on a hardware adapter, wasm (with the native kernels where built), cpu. */
const BACKENDS: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];
const CPU_PACKAGE = "@tensorflow/tfjs-backend-cpu";

async function startCpu(): Promise<Started> {
  if (!(await tf.setBackend("cpu"))) return { ok: false, reason: "tf.setBackend('cpu') failed" };
  return { ok: true, package: CPU_PACKAGE, gpu: false, simd: null, threads: 1, versions: { [CPU_PACKAGE]: tf.version["tfjs-backend-cpu"] } };
}

const START: Record<BackendName, (auto: boolean) => Promise<Started>> = {
  tensorflow: startTensorflow,
  // In the auto order only a hardware adapter counts: on a software (CPU) driver wasm is faster.
  webgpu: startWebgpu,
  wasm: startWasm,
  cpu: startCpu,
};

function unavailable(name: BackendName, reason: string): BackendUnavailableError {
  const others = BACKENDS.filter((b) => b !== name && b !== "tensorflow" && b !== "webgpu").join(" or ");
  return new BackendUnavailableError(`backend '${name}' is not available: ${reason}; use --backend ${others}`);
}

/**
 * Makes a backend the active one and installs its kernel fixes. "auto" takes the first that starts
 * of tensorflow (GPU build, then CPU build), webgpu on a hardware adapter, wasm, cpu, and says in
 * `skipped` why it passed over the ones before. Safe to call again, with any request.
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
    if (name === "webgpu" && options.readsSynchronously) {
      const reason = "this command reads tensors synchronously, which the webgpu backend cannot in Node";
      if (request !== "auto") throw unavailable(name, reason);
      reasons.push(`${name}: ${reason}`);
      continue;
    }
    const started = await START[name](request === "auto");
    if (!started.ok) {
      if (request !== "auto") throw unavailable(name, started.reason);
      reasons.push(`${name}: ${started.reason}`);
      continue;
    }
    const { info: native, addon } =
      name === "wasm"
        ? nativeKernelsFor(kernels, options.threads)
        : { info: { native: false as const, reason: `the ${name} backend runs its own kernels` }, addon: null };
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
      adapter: started.adapter ?? null,
      skipped: reasons,
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
  const info: NativeKernelsInfo = {
    native: true,
    blas: [blas.name, blas.core, blas.parallel].filter(Boolean).join(" "),
    blasThreads: loaded.addon.getThreads(),
    addon: loaded.path,
  };
  const advice = coreTypeAdvice(blas.core);
  if (advice) info.slowerKernels = advice;
  return { info, addon: loaded.addon };
}

/** Which backends could be tried here; "installed" says the package is present, not that it loads. */
export function availableBackends(): Array<{ name: BackendName; package: string; installed: boolean }> {
  return [
    ...TENSORFLOW_PACKAGES.map((pkg) => ({ name: "tensorflow" as const, package: pkg, installed: isInstalled(pkg) })),
    { name: "webgpu", package: WEBGPU_PACKAGES.join(" + "), installed: WEBGPU_PACKAGES.every((p) => isInstalled(p)) },
    { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", installed: isInstalled("@tensorflow/tfjs-backend-wasm") },
    { name: "cpu", package: CPU_PACKAGE, installed: true },
  ];
}
