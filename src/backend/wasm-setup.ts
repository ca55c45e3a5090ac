import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { firstLine } from "../util/first-line.js";
import type { Started } from "./started.js";

const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";
const require = createRequire(import.meta.url);

/** Loads the wasm backend from the package's dist folder and makes it the active backend. */
export async function startWasm(): Promise<Started> {
  let wasm: typeof import("@tensorflow/tfjs-backend-wasm");
  let dir: string;
  try {
    wasm = await import("@tensorflow/tfjs-backend-wasm");
    dir = path.dirname(require.resolve(WASM_PACKAGE));
  } catch (err) {
    return { ok: false, reason: `${WASM_PACKAGE} does not load (${firstLine(err)})` };
  }
  // The .wasm files sit next to the package's main script, which is found without help when run
  // from node_modules, but not once bundled. The path only counts before the first initialisation.
  if (!("wasm" in tf.engine().registry)) {
    try {
      wasm.setWasmPaths(dir + path.sep);
    } catch (err) {
      return { ok: false, reason: `an earlier attempt to start it failed (${firstLine(err)})` };
    }
  }
  if (!(await tf.setBackend("wasm"))) {
    return { ok: false, reason: `the .wasm binaries in ${dir} could not be loaded` };
  }
  return {
    ok: true,
    package: WASM_PACKAGE,
    gpu: false,
    simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
    // 1 in Node: tfjs 4.22 hard-codes WASM_HAS_MULTITHREAD_SUPPORT to false there (tfjs#3830).
    threads: wasm.getThreadsCount(),
    versions: { [WASM_PACKAGE]: wasm.version_wasm },
  };
}
