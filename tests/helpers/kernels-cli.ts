import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

/** The CLI in a child process, with extra environment variables; stderr trimmed. */
export function aelab(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true", ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

export interface KernelsRecord {
  native: boolean;
  reason?: string;
  blas?: string;
}

const logdir = join(mkdtempSync(join(tmpdir(), "aelab-kernels-")), "runs");

/** One small conv VAE epoch through `aelab train`; the kernels its run.json records. */
export function trainSmall(name: string, env: Record<string, string>, ...extra: string[]): KernelsRecord {
  const run = aelab(
    env,
    "train",
    "configs/conv-vae-bce.yaml",
    "--logdir",
    logdir,
    "--name",
    name,
    "--set",
    "train.epochs=1",
    "--set",
    "data.trainLimit=256",
    "--set",
    "data.testLimit=64",
    ...extra,
  );
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  const record = JSON.parse(readFileSync(join(logdir, name, "run.json"), "utf8")) as { status: string; backend: { name: string; kernels: KernelsRecord } };
  expect(record.status).toBe("completed");
  expect(record.backend.name).toBe("wasm");
  return record.backend.kernels;
}
