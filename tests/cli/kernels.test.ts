import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "aelab-kernels-"));
const MISSING_ADDON = join(dir, "no-such-build", "aelab_kernels.node");

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

describe("native kernels are optional", () => {
  it("trains on the wasm kernels when the addon is absent, and records why", () => {
    const kernels = trainSmall("fallback", { AELAB_NATIVE_ADDON: MISSING_ADDON });
    expect(kernels.native).toBe(false);
    expect(kernels.reason).toContain("was not built");
  });

  it("--kernels wasm turns them off", () => {
    const kernels = trainSmall("wasm", {}, "--kernels", "wasm");
    expect(kernels).toEqual({ native: false, reason: expect.stringContaining("wasm kernels were asked for") });
  });

  it("--kernels native without the addon fails in one line that says how to get it", () => {
    const run = aelab({ AELAB_NATIVE_ADDON: MISSING_ADDON }, "info", "--kernels", "native");
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^aelab: native kernels requested \(--kernels native\) but the native addon was not built .*libopenblas-dev/);
  });

});
