import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunConfig } from "../../src/config/schema.js";
import { type Dataset, unitFloats } from "../../src/data/index.js";
import type { Timing } from "./args.js";
import { findResult } from "./job.js";
import { TORCH_SCRIPT } from "./python.js";
import { failureOf, runChild } from "./spawn.js";
import { torchSpec } from "./torch-spec.js";

export interface TorchThreadResult {
  threads: number;
  /** OpenBLAS's own pool as the process saw it (torch.set_num_threads does not size it); null if not OpenBLAS. */
  blasThreads: number | null;
  imagesPerSecond: number;
  windows: number[];
  steps: number;
  /** 1024³ matmul right after warming up, a sanity check of the BLAS under this pass's environment. */
  matmulGflops: number;
}

export interface TorchRun {
  kind: "torch";
  torch: string;
  /** The BLAS library the Python process mapped, e.g. /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3. */
  blasLibrary: string | null;
  results: TorchThreadResult[];
}

/** bench_torch.py's exit code for a variant it has no version of (aae, gating): n/a, not a failure. */
const NOT_WRITTEN_EXIT_CODE = 3;

export type TorchOutcome = { ok: true; run: TorchRun } | { ok: false; status: "unavailable" | "failed"; reason: string };

/** Writes the train images the aelab side trains on (float32 NHWC), so PyTorch steps on the same data. */
export function writeTorchData(dir: string, dataset: Dataset): { path: string; count: number } {
  const path = join(dir, `${dataset.name}-${dataset.train.count}.f32`);
  // Float32 NHWC in [0, 1], as the batches aelab trains on (a decoded folder holds bytes).
  const images = unitFloats(dataset.train.images);
  writeFileSync(path, Buffer.from(images.buffer, images.byteOffset, images.byteLength));
  return { path, count: dataset.train.count };
}

/**
 * One Python process per thread count: torch.set_num_threads sizes PyTorch's own pool, but the
 * OpenBLAS it calls for matmuls keeps the pool it started with, so OMP_NUM_THREADS and
 * OPENBLAS_NUM_THREADS are set for the process as well.
 */
export async function runTorch(
  python: string,
  config: RunConfig,
  dataset: Dataset,
  data: { path: string; count: number },
  timing: Timing,
  threads: readonly number[],
  env: NodeJS.ProcessEnv,
): Promise<TorchOutcome> {
  const spec = torchSpec(config, { height: dataset.height, width: dataset.width, channels: dataset.channels });
  const runs: TorchRun[] = [];
  for (const n of threads) {
    const job = JSON.stringify({ spec, timing, threads: [n], data });
    const out = await runChild(python, [TORCH_SCRIPT, "--bench"], { ...env, OMP_NUM_THREADS: String(n), OPENBLAS_NUM_THREADS: String(n) }, job);
    const result = out.code === 0 ? (findResult(out.stdout) as TorchRun | undefined) : undefined;
    if (out.code === NOT_WRITTEN_EXIT_CODE) return { ok: false, status: "unavailable", reason: out.stderr.trim().split("\n").at(-1) ?? "not written" };
    if (!result) return { ok: false, status: "failed", reason: failureOf(out) };
    runs.push(result);
  }
  return { ok: true, run: { ...runs[0], results: runs.flatMap((r) => r.results) } };
}
