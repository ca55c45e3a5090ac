import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findResult } from "../../scripts/bench/job.js";
import { findTorchPython, TORCH_SCRIPT } from "../../scripts/bench/python.js";
import { runChild } from "../../scripts/bench/spawn.js";
import { GPU_CHECK_CONFIGS, GPU_CHECK_TORCH_TIMING, writeTorchJobs } from "../../scripts/bench/torch-job.js";
import type { TorchRun } from "../../scripts/bench/torch.js";

// The GPU check's PyTorch jobs (written ready-made into the offline bundle) and bench_torch.py's --device:
// here on the CPU, the same code path the check takes with --device cuda on a GPU.
describe("the GPU check's PyTorch jobs", () => {
  const folder = mkdtempSync(join(tmpdir(), "aelab-torch-jobs-"));

  it("run in bench_torch.py on the named device, and a device PyTorch does not have is refused in one line", async () => {
    const python = await findTorchPython();
    if (!python.ok) throw new Error(python.reason);
    await writeTorchJobs(GPU_CHECK_CONFIGS, folder);
    expect(readdirSync(folder).sort()).toEqual(["conv-vae-bce.json", "vae-bce.json", "vaegan-conv.json"]);
    const job = readFileSync(join(folder, "vae-bce.json"), "utf8");
    expect(JSON.parse(job)).toMatchObject({ timing: GPU_CHECK_TORCH_TIMING, threads: [1], data: null, spec: { variant: "vae", batch: 128 } });
    const quick = JSON.stringify({ ...JSON.parse(job), timing: { warmupSteps: 1, warmupSeconds: 0, windows: 3, windowSeconds: 0, windowSteps: 1 } });
    const env = { ...process.env, OMP_NUM_THREADS: "1" };
    const cpu = await runChild(python.python, [TORCH_SCRIPT, "--bench", "--device", "cpu"], env, quick);
    expect(cpu.code).toBe(0);
    const run = findResult(cpu.stdout) as TorchRun & { device: string };
    expect(run.device).toBe("cpu");
    expect(run.results[0]?.windows).toHaveLength(3);
    expect(run.results[0]?.imagesPerSecond).toBeGreaterThan(0);
    const cuda = await runChild(python.python, [TORCH_SCRIPT, "--bench", "--device", "cuda"], env, quick);
    const hasCuda = (await runChild(python.python, ["-c", "import torch; print(torch.cuda.is_available())"], env)).stdout.trim() === "True";
    if (hasCuda) expect(cuda.code).toBe(0);
    else {
      expect(cuda.code).toBe(2);
      expect(cuda.stderr.trim()).toBe("bench_torch.py: --device cuda: this PyTorch sees no CUDA device");
    }
  }, 120_000);
});
