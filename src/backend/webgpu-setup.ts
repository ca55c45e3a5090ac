import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { isInstalled } from "./installed.js";
import { firstLine } from "../util/first-line.js";
import type { Started } from "./started.js";

const TFJS_WEBGPU = "@tensorflow/tfjs-backend-webgpu";
/** Dawn's Node binding, and tfjs's backend on it: both optional dependencies. */
export const WEBGPU_PACKAGES = ["webgpu", TFJS_WEBGPU] as const;
const require = createRequire(import.meta.url);

/** What `aelab info` prints of a WebGPU adapter. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU driver (lavapipe, SwiftShader): correct but no faster than the CPU backends. */
  software: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
  features: string[];
}

/** The adapter Dawn offers here, or one line saying why there is none. */
export type AdapterProbe = { ok: true; adapter: AdapterInfo } | { ok: false; reason: string };

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
  features: Iterable<string>;
}

let gpu: GpuLike | null = null;

/**
 * Creates Dawn's GPU object once and puts it where tfjs-backend-webgpu looks for it
 * (`navigator.gpu`, together with the WebGPU globals such as GPUBufferUsage).
 */
async function dawn(): Promise<{ ok: true; gpu: GpuLike } | { ok: false; reason: string }> {
  if (gpu) return { ok: true, gpu };
  const absent = WEBGPU_PACKAGES.filter((p) => !isInstalled(p));
  if (absent.length > 0) {
    return {
      ok: false,
      reason: `${absent.join(" and ")} ${absent.length > 1 ? "are" : "is"} not installed (optional dependencies: npm install webgpu @tensorflow/tfjs-backend-webgpu)`,
    };
  }
  let mod: { create(options: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    const specifier: string = "webgpu";
    mod = await import(specifier);
  } catch (err) {
    // E.g. a glibc older than 2.34, or a platform the package ships no dawn.node for.
    return { ok: false, reason: `the webgpu package does not load (${firstLine(err)})` };
  }
  Object.assign(globalThis, mod.globals);
  gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  // Node 21+ has a navigator of its own; Node 20 has none.
  if (g.navigator) g.navigator.gpu = gpu;
  else Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  return { ok: true, gpu };
}

function describeAdapter(adapter: AdapterLike): AdapterInfo {
  const info = adapter.info ?? {};
  const architecture = info.architecture ?? "";
  return {
    vendor: info.vendor || "unknown",
    architecture: architecture || "unknown",
    device: info.device || "unknown",
    description: info.description || "",
    software: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || architecture === "software",
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize ?? 0,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize ?? 0,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize ?? 0,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup ?? 0,
    },
    features: [...adapter.features].sort(),
  };
}

/**
 * Where the Vulkan loader looks for driver manifests on Linux. Checked before Dawn is created, so a
 * machine without any Vulkan driver gets one line from aelab instead of Dawn's warnings on stderr.
 */
export function vulkanDriverManifests(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = [env.VK_ICD_FILENAMES, env.VK_DRIVER_FILES, env.VK_ADD_DRIVER_FILES].flatMap((v) => (v ? v.split(":").filter(Boolean) : []));
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return listed.filter((f) => existsSync(f));
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":");
  const configDirs = (env.XDG_CONFIG_DIRS || "/etc/xdg").split(":");
  const dirs = [...configDirs, "/etc", path.join(os.homedir(), ".local/share"), ...dataDirs].map((d) => path.join(d, "vulkan", "icd.d"));
  const found = dirs.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });
  return [...listed.filter((f) => existsSync(f)), ...found];
}

const NO_ADAPTER =
  "Dawn found no Vulkan driver it can use (install the GPU vendor's driver with its Vulkan ICD and libvulkan1; " +
  "for a software one, Mesa >= 24 lavapipe: scripts/lavapipe.sh)";

/** Asks Dawn for the adapter tfjs would get (high-performance preference), without starting tfjs on it. */
export async function probeAdapter(): Promise<AdapterProbe> {
  if (process.platform === "linux" && !gpu && vulkanDriverManifests().length === 0) {
    return {
      ok: false,
      reason:
        "no Vulkan driver is installed (no ICD manifest in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or VK_ICD_FILENAMES); install the GPU vendor's driver, or Mesa >= 24 lavapipe (scripts/lavapipe.sh)",
    };
  }
  const started = await dawn();
  if (!started.ok) return started;
  let adapter: AdapterLike | null;
  try {
    adapter = await started.gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (err) {
    return { ok: false, reason: `requesting a WebGPU adapter failed (${firstLine(err)})` };
  }
  if (!adapter) return { ok: false, reason: NO_ADAPTER };
  return { ok: true, adapter: describeAdapter(adapter) };
}

/**
 * Makes tfjs's webgpu backend the active one. With `hardwareOnly` (the `auto` order) a software adapter
 * is declined: on a CPU driver the CPU backends are faster.
 */
export async function startWebgpu(hardwareOnly: boolean): Promise<Started> {
  const probe = await probeAdapter();
  if (!probe.ok) return probe;
  const adapter = probe.adapter;
  if (hardwareOnly && adapter.software) {
    // Nothing will run on it: tfjs-backend-webgpu is not loaded and Dawn's instance is let go.
    dropDawn();
    return { ok: false, reason: `only a software adapter is present (${adapter.description || adapter.device}); ask for it with --backend webgpu` };
  }
  try {
    // Registers 'webgpu' at load time, and only if navigator.gpu is set (done above). A literal specifier, so
    // that the offline bundle (esbuild) compiles it in with the one tfjs-core everything else uses.
    await import("@tensorflow/tfjs-backend-webgpu");
  } catch (err) {
    return { ok: false, reason: `${TFJS_WEBGPU} does not load (${firstLine(err)})` };
  }
  if (!("webgpu" in tf.engine().registryFactory)) {
    return { ok: false, reason: `${TFJS_WEBGPU} did not register its backend (it was loaded before navigator.gpu existed)` };
  }
  if (!(await tf.setBackend("webgpu"))) {
    return { ok: false, reason: `the webgpu backend did not initialise on ${adapter.description || adapter.device}` };
  }
  return {
    ok: true,
    package: TFJS_WEBGPU,
    gpu: !adapter.software,
    simd: null,
    threads: null,
    versions: { [TFJS_WEBGPU]: packageVersion(TFJS_WEBGPU), webgpu: packageVersion("webgpu") },
    adapter,
  };
}

function packageVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Forgets Dawn's instance (used when auto declines a software adapter, before tfjs ever saw it). */
function dropDawn(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator) delete g.navigator.gpu;
  gpu = null;
}
