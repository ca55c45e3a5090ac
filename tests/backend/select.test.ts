import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { availableBackends, BACKEND_REQUESTS, BackendUnavailableError, probeAdapter, selectBackend, type BackendRequest } from "../../src/backend/index.js";
import { installedPatch, stockKernel } from "../../src/backend/kernel-patch.js";

// This machine cannot install tfjs-node (its install script downloads libtensorflow); where it can,
// the same tests check the tensorflow backend instead.
const resolvable = (name: string) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};
// A package can be present but broken (its install script could not fetch libtensorflow and a
// later `npm install` left the files): it then counts as unavailable, with a reason of its own.
const loads = (name: string) => {
  try {
    createRequire(import.meta.url)(name);
    return true;
  } catch {
    return false;
  }
};
const tensorflowPresent = resolvable("@tensorflow/tfjs-node-gpu") || resolvable("@tensorflow/tfjs-node");
const tensorflowInstalled = tensorflowPresent && (loads("@tensorflow/tfjs-node-gpu") || loads("@tensorflow/tfjs-node"));

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
    expect(tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true).arraySync()).toEqual([
      [3, 3],
      [3, 3],
    ]);
  });

  it("auto picks TensorFlow (tfjs-node) where installed, else WebGPU on a GPU, else wasm, and says why it passed over the others", async () => {
    const probe = await probeAdapter();
    const gpuHere = probe.ok && !probe.adapter.software;
    const info = await selectBackend("auto");
    expect(info.name).toBe(tensorflowInstalled ? "tensorflow" : gpuHere ? "webgpu" : "wasm");
    if (info.name === "wasm") {
      expect(info.skipped.map((line) => line.split(":")[0])).toEqual(["tensorflow", "webgpu"]);
      // Without a driver, with only a software one (lavapipe), or with one Dawn refuses.
      expect(info.skipped[1]).toMatch(/^webgpu: (no Vulkan driver is installed|only a software adapter is present|Dawn found no Vulkan driver)/);
      expect(info.adapter).toBeNull();
    }
  });

  it("says in one line why a forced backend is unavailable and what to use instead", async () => {
    if (tensorflowInstalled) {
      expect((await selectBackend("tensorflow")).name).toBe("tensorflow");
      return;
    }
    await selectBackend("wasm");
    const err = await selectBackend("tensorflow").then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err?.name).toBe("BackendUnavailableError"); // what the CLI keys its one-line report on
    if (tensorflowPresent)
      expect(err?.message).toMatch(/^backend 'tensorflow' is not available: .*is installed but does not load \(.*\); use --backend wasm or cpu$/);
    else {
      expect(err?.message).toBe(
        "backend 'tensorflow' is not available: @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node are not installed " +
          "(npm skips them where libtensorflow cannot be downloaded); use --backend wasm or cpu",
      );
    }
    // A failed request leaves the previous backend active.
    expect(tf.getBackend()).toBe("wasm");
  });

  it("rejects an unknown request by name", async () => {
    await expect(selectBackend("webgl" as BackendRequest)).rejects.toThrow("unknown backend 'webgl': expected one of auto, tensorflow, webgpu, wasm, cpu");
  });

  it("lists the backends and whether their packages are installed", () => {
    expect(BACKEND_REQUESTS).toEqual(["auto", "tensorflow", "webgpu", "wasm", "cpu"]);
    const tensorflowListed = availableBackends().filter((b) => b.name === "tensorflow");
    expect(tensorflowListed.map((b) => b.package)).toEqual(["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]);
    expect(tensorflowListed.some((b) => b.installed)).toBe(tensorflowPresent);
    expect(availableBackends().filter((b) => b.name !== "tensorflow")).toEqual([
      { name: "webgpu", package: "webgpu + @tensorflow/tfjs-backend-webgpu", installed: resolvable("webgpu") && resolvable("@tensorflow/tfjs-backend-webgpu") },
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
