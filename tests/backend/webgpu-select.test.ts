import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBackend, patchesFor, type BackendInfo } from "../../src/backend/index.js";
import { vulkanDriverManifests, type AdapterInfo } from "../../src/backend/webgpu-setup.js";

// These run without any GPU or Vulkan driver (the WebGPU suite, npm run test:webgpu, runs on one).
const NO_DRIVER = { VK_ICD_FILENAMES: "/nonexistent/icd.json", VK_DRIVER_FILES: "" };

function aelab(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true", ...env }, timeout: 60_000 });
}

describe("the webgpu backend without a Vulkan driver", () => {
  it("--backend webgpu stops with one line naming the cause and the alternatives", () => {
    const run = aelab(["info", "--backend", "webgpu"], NO_DRIVER);
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aelab: backend 'webgpu' is not available: no Vulkan driver is installed .*scripts\/lavapipe\.sh\); use --backend wasm or cpu$/);
    expect(run.stdout).toBe("");
  });

  it("auto falls back to a CPU backend, and aelab info says why webgpu was passed over", () => {
    const run = aelab(["info"], NO_DRIVER);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend {3}(wasm|cpu|tensorflow) /m);
    expect(run.stdout).toMatch(/^skipped {3}webgpu: no Vulkan driver is installed/m);
    expect(run.stdout).toMatch(/^webgpu {4}no adapter: no Vulkan driver is installed/m);
    // Dawn was not even created: none of its warnings reach the terminal.
    expect(run.stderr).toBe("");
  });
});

describe("vulkanDriverManifests", () => {
  it("lists the files named by VK_ICD_FILENAMES that exist, and only those", () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-icd-"));
    const icd = join(dir, "gpu.json");
    writeFileSync(icd, "{}");
    expect(vulkanDriverManifests({ VK_ICD_FILENAMES: `${icd}:/nonexistent.json` })).toEqual([icd]);
    expect(vulkanDriverManifests({ VK_ICD_FILENAMES: "/nonexistent.json" })).toEqual([]);
  });

  it("finds manifests in the loader's search folders (XDG data and config folders)", () => {
    const data = mkdtempSync(join(tmpdir(), "aelab-xdg-"));
    mkdirSync(join(data, "vulkan", "icd.d"), { recursive: true });
    writeFileSync(join(data, "vulkan", "icd.d", "nvidia_icd.json"), "{}");
    writeFileSync(join(data, "vulkan", "icd.d", "README"), "not a manifest");
    const found = vulkanDriverManifests({ XDG_DATA_DIRS: data, XDG_CONFIG_DIRS: join(data, "none") });
    expect(found).toContain(join(data, "vulkan", "icd.d", "nvidia_icd.json"));
    expect(found.filter((f) => f.startsWith(data))).toHaveLength(1);
  });
});

describe("webgpu's kernel fixes and its description", () => {
  it("replaces AddN and both matMul kernels", () => {
    expect(patchesFor("webgpu").map((p) => p.kernelName)).toEqual(["AddN", "BatchMatMul", "_FusedMatMul"]);
  });

  it("aelab info names the adapter, its kind and limits", () => {
    const adapter: AdapterInfo = {
      vendor: "nvidia",
      architecture: "ampere",
      device: "",
      description: "NVIDIA GeForce RTX 3090",
      software: false,
      limits: { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 1024 },
      features: ["shader-f16", "timestamp-query"],
    };
    const info: BackendInfo = {
      name: "webgpu",
      package: "@tensorflow/tfjs-backend-webgpu",
      gpu: true,
      simd: null,
      threads: null,
      patches: patchesFor("webgpu").map((p) => p.name),
      kernels: { native: false, reason: "the webgpu backend runs its own kernels" },
      versions: { "tfjs-core": "4.22.0" },
      adapter,
      skipped: ["tensorflow: not installed"],
    };
    const lines = describeBackend(info, {}).split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "backend   webgpu (@tensorflow/tfjs-backend-webgpu), GPU",
      "skipped   tensorflow: not installed",
      "adapter   nvidia ampere, NVIDIA GeForce RTX 3090, hardware",
      "limits    max buffer 4096 MiB, storage binding 2048 MiB, workgroup storage 32768 B, 1024 invocations/workgroup",
      "features  shader-f16, timestamp-query",
    ]);
  });
});
