import { describe, expect, it } from "vitest";
import { availableBackends, describeBackend, type BackendInfo } from "../../src/backend/index.js";

const wasm: BackendInfo = {
  name: "wasm",
  package: "@tensorflow/tfjs-backend-wasm",
  gpu: false,
  simd: true,
  threads: 1,
  patches: ["BatchMatMul: explicit transpose (XNNPACK)", "Conv2DBackpropFilter: one dilated Conv2D"],
  kernels: { native: false, reason: "the native addon was not built" },
  versions: { "tfjs-core": "4.22.0", "@tensorflow/tfjs-backend-wasm": "4.22.0", node: "20.20.2" },
  adapter: null,
  skipped: [],
};

describe("describeBackend", () => {
  it("shows backend, SIMD, threads, each patch, versions and the tfjs-node packages", () => {
    const text = describeBackend(wasm, { "@tensorflow/tfjs-node-gpu": false, "@tensorflow/tfjs-node": true });
    expect(text.split("\n")).toEqual([
      "backend   wasm (@tensorflow/tfjs-backend-wasm)",
      "simd      yes",
      "threads   1",
      "kernels   wasm (native kernels off: the native addon was not built)",
      "patches   BatchMatMul: explicit transpose (XNNPACK)",
      "          Conv2DBackpropFilter: one dilated Conv2D",
      "versions  tfjs-core 4.22.0, @tensorflow/tfjs-backend-wasm 4.22.0, node 20.20.2",
      "tfjs-node @tensorflow/tfjs-node-gpu not installed, @tensorflow/tfjs-node installed",
    ]);
  });

  it("marks a GPU build and what the backend does not report", () => {
    const text = describeBackend(
      {
        ...wasm,
        name: "tensorflow",
        package: "@tensorflow/tfjs-node-gpu",
        gpu: true,
        simd: null,
        threads: null,
        patches: [],
        kernels: { native: false, reason: "n/a" },
      },
      {},
    );
    expect(text).toContain(
      "backend   tensorflow (@tensorflow/tfjs-node-gpu), GPU\nsimd      n/a\nthreads   n/a\nkernels   the backend's own\npatches   none\n",
    );
  });

  it("names the BLAS and its threads when the native kernels run", () => {
    const text = describeBackend(
      { ...wasm, kernels: { native: true, blas: "OpenBLAS SkylakeX pthreads", blasThreads: 2, addon: "native/build/Release/aelab_kernels.node" } },
      {},
    );
    expect(text).toContain("kernels   native BLAS: OpenBLAS SkylakeX pthreads, 2 thread(s)\n");
  });

  it("looks up the tfjs-node packages itself when not told", () => {
    const [gpu, cpu] = availableBackends().filter((b) => b.name === "tensorflow");
    const state = (b: { installed: boolean }) => (b.installed ? "installed" : "not installed");
    expect(describeBackend(wasm)).toContain(`tfjs-node ${gpu.package} ${state(gpu)}, ${cpu.package} ${state(cpu)}`);
  });
});
