import * as tf from "@tensorflow/tfjs";
import { firstLine } from "../util/first-line.js";
import { isInstalled } from "./installed.js";
import type { Started } from "./started.js";

// The "tensorflow" backend: tfjs-node's binding to the TensorFlow C library (libtensorflow). Not to be
// confused with aelab's native kernels (blas/), which run on the wasm backend.

/** Tried in this order: the GPU build first, since it also runs on the CPU. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** Loads tfjs-node-gpu or tfjs-node and makes "tensorflow" the active backend. */
export async function startTensorflow(): Promise<Started> {
  const problems: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    if (!isInstalled(pkg)) continue;
    // A variable specifier keeps TypeScript from requiring types for a package that may be absent.
    const specifier: string = pkg;
    let mod: { version?: Record<string, string> };
    try {
      mod = await import(specifier);
    } catch (err) {
      // Installed with --ignore-scripts (or for another ABI): "... (tfjs_binding.node) can not be found".
      problems.push(`${pkg} is installed but does not load (${firstLine(err)})`);
      continue;
    }
    if (!(await tf.setBackend("tensorflow"))) {
      problems.push(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
      continue;
    }
    const versions: Record<string, string> = { [pkg]: mod.version?.["tfjs-node"] ?? "unknown" };
    if (mod.version?.tensorflow) versions.libtensorflow = mod.version.tensorflow;
    return { ok: true, package: pkg, gpu: pkg.endsWith("-gpu"), simd: null, threads: null, versions };
  }
  if (problems.length > 0) return { ok: false, reason: problems.join("; ") };
  return {
    ok: false,
    reason: `${TENSORFLOW_PACKAGES.join(" and ")} are not installed (npm skips them where libtensorflow cannot be downloaded)`,
  };
}
