/**
 * The job scripts/bench_torch.py reads on stdin, for a shipped config, written to a file: the GPU check
 * (scripts/gpu-check-quick.sh) times PyTorch with `--device cuda` from these on a machine that has PyTorch
 * but no Node toolchain, so the offline bundle carries them ready-made (torch-jobs/).
 *
 *   node --import tsx scripts/bench/torch-job.ts --out <folder> <config.yaml> ...
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Timing } from "./args.js";
import { benchConfig, benchDataset } from "./config.js";
import { torchSpec } from "./torch-spec.js";

/** The models scripts/gpu-check-quick.sh times (its `models` list names the same three). */
export const GPU_CHECK_CONFIGS = ["configs/vae-bce.yaml", "configs/conv-vae-bce.yaml", "configs/vaegan-conv.yaml"];

/** The GPU check's budget: short, since a GPU step takes milliseconds. */
export const GPU_CHECK_TORCH_TIMING: Timing = { warmupSteps: 20, warmupSeconds: 3, windows: 5, windowSeconds: 2, windowSteps: 10 };

/** Writes `<folder>/<config name>.json` per config: batch 128, random images of the config's shape (data: null). */
export async function writeTorchJobs(configs: readonly string[], folder: string, batch = 128): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const file of configs) {
    const config = benchConfig(file, batch);
    const dataset = await benchDataset(config);
    const spec = torchSpec(config, { height: dataset.height, width: dataset.width, channels: dataset.channels });
    const path = join(folder, `${basename(file, ".yaml")}.json`);
    writeFileSync(path, `${JSON.stringify({ spec, timing: GPU_CHECK_TORCH_TIMING, threads: [1], data: null })}\n`);
    written.push(path);
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
  if (!values.out || positionals.length === 0) {
    process.stderr.write("usage: node --import tsx scripts/bench/torch-job.ts --out <folder> <config.yaml> ...\n");
    process.exit(2);
  }
  await writeTorchJobs(positionals, values.out);
  process.exit(0);
}
