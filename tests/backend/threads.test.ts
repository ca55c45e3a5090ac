import { describe, expect, it } from "vitest";
import { blasThreads, workerThreadEnv } from "../../src/backend/blas/threads.js";
import { kernelsRequest } from "../../src/backend/blas/kernels-request.js";

describe("BLAS threads", () => {
  it("uses every core unless AELAB_THREADS says fewer, and never more than the cores", () => {
    expect(blasThreads({}, 8)).toBe(8);
    expect(blasThreads({ AELAB_THREADS: "3" }, 8)).toBe(3);
    expect(blasThreads({ AELAB_THREADS: "64" }, 8)).toBe(8);
    expect(blasThreads({ AELAB_THREADS: "0" }, 8)).toBe(8);
    expect(blasThreads({ AELAB_THREADS: "two" }, 8)).toBe(8);
  });

  it("gives each experiment worker its share of the cores, at least one, for OpenBLAS and OpenMP alike", () => {
    expect(workerThreadEnv(2, 2, {})).toEqual({ AELAB_THREADS: "1", OMP_NUM_THREADS: "1" });
    expect(workerThreadEnv(1, 2, {})).toEqual({ AELAB_THREADS: "2", OMP_NUM_THREADS: "2" });
    expect(workerThreadEnv(3, 8, {})).toEqual({ AELAB_THREADS: "2", OMP_NUM_THREADS: "2" });
    expect(workerThreadEnv(16, 8, {})).toEqual({ AELAB_THREADS: "1", OMP_NUM_THREADS: "1" });
    // The user's own smaller limit stays; a larger one is cut to the share.
    expect(workerThreadEnv(1, 8, { AELAB_THREADS: "3" })).toEqual({ AELAB_THREADS: "3", OMP_NUM_THREADS: "3" });
    expect(workerThreadEnv(4, 8, { AELAB_THREADS: "6" })).toEqual({ AELAB_THREADS: "2", OMP_NUM_THREADS: "2" });
  });
});

describe("kernels request", () => {
  it("takes the explicit request, then AELAB_KERNELS, then auto", () => {
    expect(kernelsRequest("wasm", { AELAB_KERNELS: "native" })).toBe("wasm");
    expect(kernelsRequest(undefined, { AELAB_KERNELS: "native" })).toBe("native");
    expect(kernelsRequest(undefined, {})).toBe("auto");
  });

  it("refuses an unknown value in one line naming the variable", () => {
    expect(() => kernelsRequest(undefined, { AELAB_KERNELS: "blas" })).toThrow("AELAB_KERNELS must be one of auto, native, wasm (got 'blas')");
  });
});
