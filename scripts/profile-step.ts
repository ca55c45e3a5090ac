/**
 * Where a training step's time goes: `npm run profile -- <config.yaml> [--kernels native|wasm] [--steps N]`.
 * Runs aelab's loop and the bench's minimal tfjs loop (scripts/bench/minimal-loop.ts) on the same
 * config, one after the other in this process, and prints per step: wall time, time inside backend
 * kernels (by kernel, with calls per step), and the rest (JavaScript: tape, tidy, the loop itself).
 * Kernels are timed by wrapping every kernel registered for the wasm backend; the wrapper costs about
 * a microsecond per call, so absolute times read a little high. A diagnostic, not a benchmark: the
 * numbers for BENCHMARKS.md come from `npm run bench`.
 */
import * as tf from "@tensorflow/tfjs";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { selectBackend } from "../src/backend/index.js";
import { MemoryWriter } from "../src/tensorboard/index.js";
import { trainLoop } from "../src/train/loop.js";
import { silentProgress, type Progress } from "../src/train/progress.js";
import { benchConfig, benchDataset } from "./bench/config.js";
import { buildStep } from "./bench/minimal-loop.js";

interface KernelStat {
  calls: number;
  ms: number;
}

/** Per-kernel call counts and times while `recording`; kernels run synchronously on wasm. */
class KernelProfile {
  recording = false;
  readonly stats = new Map<string, KernelStat>();
  private depth = 0;

  wrapAll(backendName: string): void {
    for (const kernel of tf.getKernelsForBackend(backendName)) {
      const inner = kernel.kernelFunc;
      tf.unregisterKernel(kernel.kernelName, backendName);
      tf.registerKernel({
        ...kernel,
        kernelFunc: (args) => {
          if (!this.recording || this.depth > 0) return inner(args);
          // Kernels that call other kernels count once, under their own name.
          this.depth++;
          const start = performance.now();
          try {
            return inner(args);
          } finally {
            const ms = performance.now() - start;
            this.depth--;
            const stat = this.stats.get(kernel.kernelName) ?? { calls: 0, ms: 0 };
            stat.calls++;
            stat.ms += ms;
            this.stats.set(kernel.kernelName, stat);
          }
        },
      });
    }
  }

  reset(): void {
    this.stats.clear();
  }
}

interface StepProfile {
  steps: number;
  wallMs: number;
  kernels: Map<string, KernelStat>;
}

async function profileAelab(file: string, batch: number, warmup: number, steps: number, profile: KernelProfile): Promise<StepProfile> {
  const config = benchConfig(file, batch);
  const dataset = await benchDataset(config);
  let seen = 0;
  let last = 0;
  let wallMs = 0;
  let lastStep = 0;
  const progress: Progress = {
    ...silentProgress,
    epochStart: () => {
      lastStep = 0;
      last = performance.now();
    },
    step: (stepInEpoch) => {
      if (stepInEpoch === lastStep) return;
      lastStep = stepInEpoch;
      const now = performance.now();
      if (seen >= warmup) wallMs += now - last;
      seen++;
      if (seen === warmup) {
        profile.reset();
        profile.recording = true;
      }
      last = now;
    },
  };
  await trainLoop({ config, dataset, writer: new MemoryWriter(), progress, shouldStop: () => seen >= warmup + steps });
  profile.recording = false;
  return { steps, wallMs, kernels: new Map(profile.stats) };
}

async function profileMinimal(file: string, batch: number, warmup: number, steps: number, profile: KernelProfile): Promise<StepProfile> {
  const config = benchConfig(file, batch);
  const dataset = await benchDataset(config);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const { step, dispose } = buildStep(config, shape);
  const perBatch = batch * shape.height * shape.width * shape.channels;
  const batches = Math.floor(dataset.train.count / batch);
  let wallMs = 0;
  try {
    for (let i = 0; i < warmup + steps; i++) {
      if (i === warmup) {
        profile.reset();
        profile.recording = true;
      }
      const start = performance.now();
      const b = i % batches;
      const x = tf.tensor4d(dataset.train.images.subarray(b * perBatch, (b + 1) * perBatch), [batch, shape.height, shape.width, shape.channels]);
      step(x, i);
      x.dispose();
      if (i >= warmup) wallMs += performance.now() - start;
    }
  } finally {
    profile.recording = false;
    dispose();
  }
  return { steps, wallMs, kernels: new Map(profile.stats) };
}

function print(label: string, p: StepProfile): void {
  const perStep = (ms: number) => ms / p.steps;
  const kernelMs = [...p.kernels.values()].reduce((s, k) => s + k.ms, 0);
  const calls = [...p.kernels.values()].reduce((s, k) => s + k.calls, 0);
  console.log(`\n${label}: ${perStep(p.wallMs).toFixed(3)} ms/step wall, ${perStep(kernelMs).toFixed(3)} ms in ${(calls / p.steps).toFixed(1)} kernel calls, ${perStep(p.wallMs - kernelMs).toFixed(3)} ms outside kernels`);
  const rows = [...p.kernels.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, k] of rows) {
    console.log(`  ${name.padEnd(28)} ${perStep(k.ms).toFixed(3).padStart(8)} ms  ${(k.calls / p.steps).toFixed(1).padStart(6)} calls  ${((100 * k.ms) / p.wallMs).toFixed(1).padStart(5)} %`);
  }
}

const argv = await yargs(hideBin(process.argv))
  .scriptName("npm run profile --")
  .usage("$0 <config.yaml> [options]")
  .command("$0 <config>", "profile one config", (y) => y.positional("config", { type: "string", demandOption: true }))
  .option("kernels", { choices: ["native", "wasm"] as const, default: "native" as const })
  .option("batch", { type: "number", default: 128 })
  .option("warmup", { type: "number", default: 300, describe: "untimed steps first (V8 compiles hot code for hundreds of steps)" })
  .option("steps", { type: "number", default: 300 })
  .option("loop", { choices: ["both", "aelab", "minimal"] as const, default: "both" as const })
  .strict()
  .parseAsync();

const info = await selectBackend("wasm", { kernels: argv.kernels });
console.log(`backend wasm, kernels ${info.kernels?.native ? `native (${info.kernels.blas}, ${info.kernels.blasThreads} thread(s))` : "wasm"}; ${argv.config}, batch ${argv.batch}, ${argv.warmup} warm-up + ${argv.steps} profiled steps`);
const profile = new KernelProfile();
profile.wrapAll("wasm");
const config = String(argv.config);
if (argv.loop !== "minimal") print("aelab loop", await profileAelab(config, argv.batch, argv.warmup, argv.steps, profile));
if (argv.loop !== "aelab") print("minimal tfjs loop", await profileMinimal(config, argv.batch, argv.warmup, argv.steps, profile));
