import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunConfig } from "../../src/config/schema.js";
import type { Dataset } from "../../src/data/index.js";
import type { Timing } from "./args.js";
import { findResult } from "./job.js";
import { TORCH_SCRIPT } from "./python.js";
import { failureOf, runChild } from "./spawn.js";
import { torchSpec } from "./torch-spec.js";

export interface TorchThreadResult {
  threads: number;
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

export type TorchOutcome = { ok: true; run: TorchRun } | { ok: false; reason: string };

/** Writes the train images the aelab side trains on (float32 NHWC), so PyTorch steps on the same data. */
export function writeTorchData(dir: string, dataset: Dataset): { path: string; count: number } {
  const path = join(dir, `${dataset.name}-${dataset.train.count}.f32`);
  const { images } = dataset.train;
  writeFileSync(path, Buffer.from(images.buffer, images.byteOffset, images.byteLength));
  return { path, count: dataset.train.count };
}

export async function runTorch(
  python: string,
  config: RunConfig,
  dataset: Dataset,
  data: { path: string; count: number },
  timing: Timing,
  threads: number[],
  env: NodeJS.ProcessEnv,
): Promise<TorchOutcome> {
  const spec = torchSpec(config, { height: dataset.height, width: dataset.width, channels: dataset.channels });
  const out = await runChild(python, [TORCH_SCRIPT, "--bench"], env, JSON.stringify({ spec, timing, threads, data }));
  const result = out.code === 0 ? (findResult(out.stdout) as TorchRun | undefined) : undefined;
  return result ? { ok: true, run: result } : { ok: false, reason: failureOf(out) };
}
