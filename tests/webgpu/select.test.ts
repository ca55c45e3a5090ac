import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";

// Here the adapter is lavapipe (a software Vulkan driver); on a GPU machine the same tests see the GPU.
describe("choosing webgpu", () => {
  it("--backend webgpu starts it on the adapter Dawn offers, with aelab's kernel fixes", async () => {
    const info = await selectBackend("webgpu");
    expect(info.name).toBe("webgpu");
    expect(info.adapter).not.toBeNull();
    expect(info.gpu).toBe(!info.adapter!.software);
    expect(info.patches).toHaveLength(3);
    expect(info.versions).toMatchObject({ "@tensorflow/tfjs-backend-webgpu": "4.22.0", webgpu: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it("auto takes a hardware adapter and passes over a software one, saying so", async () => {
    const probe = await selectBackend("webgpu");
    const auto = await selectBackend("auto");
    if (probe.adapter!.software) {
      expect(auto.name).not.toBe("webgpu");
      expect(auto.skipped).toContainEqual(expect.stringMatching(/^webgpu: only a software adapter is present \(.+\); ask for it with --backend webgpu$/));
    } else {
      expect(auto.name).toBe("webgpu");
    }
  });

  it("aelab info prints the adapter: vendor, architecture, description, kind, limits", () => {
    const run = spawnSync(process.execPath, ["bin/aelab.js", "info", "--backend", "webgpu"], { encoding: "utf8", env: { ...process.env, CI: "true" } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend {3}webgpu \(@tensorflow\/tfjs-backend-webgpu\)/m);
    expect(run.stdout).toMatch(/^adapter {3}\S+ \S+, .+, (hardware|software \(a CPU driver\))$/m);
    expect(run.stdout).toMatch(/^limits {4}max buffer \d+ MiB, storage binding \d+ MiB/m);
  });

  it("a script that trains on webgpu exits by itself when it is done (no process.exit)", () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-webgpu-exit-"));
    const script = join(dir, "train.mts");
    writeFileSync(
      script,
      [
        `import { loadConfig } from ${JSON.stringify(join(process.cwd(), "src/config/index.js"))};`,
        `import { runTraining } from ${JSON.stringify(join(process.cwd(), "src/train/run.js"))};`,
        `const config = loadConfig("configs/vae-bce.yaml", ["train.epochs=1", "data.trainLimit=256", "data.testLimit=64"]);`,
        `const outcome = await runTraining({ config, configFile: "configs/vae-bce.yaml", logdir: ${JSON.stringify(dir)}, backend: "webgpu" });`,
        `console.log("trained", outcome.result.steps, "steps in", outcome.dir);`,
      ].join("\n"),
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 120_000, env: { ...process.env, CI: "true" } });
    expect(run.error).toBeUndefined(); // a timeout (the process kept alive) shows here as ETIMEDOUT
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^trained 2 steps in /m);
    const record = JSON.parse(readFileSync(join(dir, "vae-bce", "run.json"), "utf8")) as { backend: { name: string } };
    expect(record.backend.name).toBe("webgpu");
  });
});
