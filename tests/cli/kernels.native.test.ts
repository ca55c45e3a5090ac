import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADDON_PATH } from "../../src/backend/blas/addon.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-kernels-"));

function aelab(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true", ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

interface KernelsRecord {
  native: boolean;
  reason?: string;
  blas?: string;
}

function trainSmall(name: string, env: Record<string, string>, ...extra: string[]): KernelsRecord {
  const logdir = join(dir, "runs");
  const run = aelab(env, "train", "configs/conv-vae-bce.yaml", "--logdir", logdir, "--name", name, "--set", "train.epochs=1", "--set", "data.trainLimit=256", "--set", "data.testLimit=64", ...extra);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  const record = JSON.parse(readFileSync(join(logdir, name, "run.json"), "utf8")) as { status: string; backend: { name: string; kernels: KernelsRecord } };
  expect(record.status).toBe("completed");
  expect(record.backend.name).toBe("wasm");
  return record.backend.kernels;
}

describe("native kernels, where the addon is built (npm run test:native)", () => {
  it("the addon is built here (CI installs libopenblas-dev before npm ci)", () => {
    expect(readFileSync(ADDON_PATH).length, `${ADDON_PATH} is missing: install libopenblas-dev, then npm run build:native`).toBeGreaterThan(0);
  });

  it("trains on the native kernels when they are built, and the run records the BLAS", () => {
    const kernels = trainSmall("native", {});
    expect(kernels.native).toBe(true);
    expect(kernels.blas).toMatch(/OpenBLAS|Accelerate/);
  });

  it("aelab info lists the native kernels, the BLAS and its threads", () => {
    const info = aelab({}, "info", "--threads", "1");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/kernels {3}native BLAS: OpenBLAS .*, 1 thread\(s\)/);
    expect(info.stdout).toMatch(/BatchMatMul: native/);
    const off = aelab({ AELAB_KERNELS: "wasm" }, "info");
    expect(off.stdout).toMatch(/kernels {3}wasm \(native kernels off/);
  });
});
