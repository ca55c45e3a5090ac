import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "aelab-cli-"));

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

describe("aelab CLI", () => {
  it("prints help for each command", () => {
    const top = aelab("--help");
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/aelab train <config>/);
    expect(top.stdout).toMatch(/aelab info/);
    const train = aelab("train", "--help");
    expect(train.stdout).toMatch(/--set/);
    expect(train.stdout).toMatch(/--backend/);
  });

  it("rejects a bad config with one line naming the file and the key, and creates no run", () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, "model:\n  variant: vae\n  latent: { size: 0 }\n");
    const logdir = join(dir, "runs");
    const run = aelab("train", config, "--logdir", logdir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`aelab: config error in ${config}: model.latent.size must be > 0 (got 0)`);
    expect(() => readdirSync(logdir)).toThrow();
  });

  it("rejects a missing data folder with one line naming it", () => {
    const run = aelab("train", "configs/ae-mse.yaml", "--set", `data.source=${join(dir, "no-such-folder")}`, "--logdir", join(dir, "runs2"));
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(join(dir, "no-such-folder"));
  });

  it("rejects an unknown command and an unavailable backend in one line", () => {
    const unknown = aelab("trian");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.split("\n")).toHaveLength(1);
    const backend = aelab("info", "--backend", "tensorflow");
    expect(backend.status).toBe(2);
    expect(backend.stderr).toMatch(/^aelab: backend 'tensorflow' is not available/);
    expect(backend.stderr.split("\n")).toHaveLength(1);
  });

  it("info names the backend it picked", () => {
    const info = aelab("info");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/wasm/);
  });
});
