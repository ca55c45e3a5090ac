import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { availableBackends, BACKEND_REQUESTS, BackendUnavailableError, selectBackend, type BackendRequest } from "../../src/backend/index.js";
import { installedPatch, stockKernel } from "../../src/backend/kernel-patch.js";

// This machine cannot install tfjs-node (its install script downloads libtensorflow); where it can,
// the tests that depend on its absence are skipped.
const nativeInstalled = availableBackends().some((b) => b.name === "tensorflow" && b.installed);

describe("selectBackend", () => {
  it("starts wasm with SIMD, one thread and every wasm kernel fix", async () => {
    const info = await selectBackend("wasm");
    expect(info.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.package).toBe("@tensorflow/tfjs-backend-wasm");
    expect(info.gpu).toBe(false);
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(1);
    expect(info.versions).toMatchObject({ "tfjs-core": "4.22.0", "@tensorflow/tfjs-backend-wasm": "4.22.0", node: process.versions.node });
    for (const kernel of ["BatchMatMul", "_FusedMatMul", "Conv2DBackpropFilter", "Conv2DBackpropInput", "Conv2D", "FusedConv2D"]) {
      const patch = installedPatch(kernel, "wasm");
      expect(patch, kernel).toBeDefined();
      expect(info.patches).toContain(patch);
    }
  });

  it("starts cpu with only the weight-gradient fix", async () => {
    const info = await selectBackend("cpu");
    expect(info.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(info.package).toBe("@tensorflow/tfjs-backend-cpu");
    expect(info.patches).toEqual([installedPatch("Conv2DBackpropFilter", "cpu")]);
  });

  it("can be called again with the same or another request, without wrapping a wrapper", async () => {
    const first = await selectBackend("wasm");
    await selectBackend("cpu");
    const again = await selectBackend("wasm");
    const third = await selectBackend("wasm");
    expect(again).toEqual(first);
    expect(third.name).toBe("wasm");
    // The saved stock kernel must be the backend's own, not an earlier copy of the patch.
    for (const kernel of ["BatchMatMul", "Conv2DBackpropInput"]) {
      const stock = stockKernel(kernel, "wasm");
      expect(stock).toBeDefined();
      expect(tf.getKernel(kernel, "wasm").kernelFunc).not.toBe(stock?.kernelFunc);
    }
    expect(tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true).arraySync()).toEqual([[3, 3], [3, 3]]);
  });

  it.skipIf(nativeInstalled)("auto picks wasm where tfjs-node is not installed", async () => {
    const info = await selectBackend("auto");
    expect(info.name).toBe("wasm");
  });

  it.skipIf(nativeInstalled)("says in one line why a forced backend is unavailable and what to use instead", async () => {
    const err = await selectBackend("tensorflow").then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err?.name).toBe("BackendUnavailableError"); // what the CLI keys its one-line report on
    expect(err?.message).toBe(
      "backend 'tensorflow' is not available: @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node are not installed " +
        "(npm skips them where libtensorflow cannot be downloaded); use --backend wasm or cpu",
    );
    // A failed request leaves the previous backend active.
    expect(tf.getBackend()).toBe("wasm");
  });

  it("rejects an unknown request by name", async () => {
    await expect(selectBackend("webgl" as BackendRequest)).rejects.toThrow("unknown backend 'webgl': expected one of auto, tensorflow, wasm, cpu");
  });

  it.skipIf(nativeInstalled)("lists the backends and whether their packages are installed", () => {
    expect(BACKEND_REQUESTS).toEqual(["auto", "tensorflow", "wasm", "cpu"]);
    expect(availableBackends()).toEqual([
      { name: "tensorflow", package: "@tensorflow/tfjs-node-gpu", installed: false },
      { name: "tensorflow", package: "@tensorflow/tfjs-node", installed: false },
      { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", installed: true },
      { name: "cpu", package: "@tensorflow/tfjs-backend-cpu", installed: true },
    ]);
  });

  it("turns on prod mode, which keeps results unchanged", async () => {
    await selectBackend("cpu");
    expect(tf.env().getBool("PROD")).toBe(true);
    expect(tf.add(tf.scalar(1), tf.scalar(2)).arraySync()).toBe(3);
  });
});
