/**
 * Where a training step's time goes: `npm run profile -- <config.yaml> [--kernels native|wasm] [--loop both|aelab|minimal]`.
 * Profiles aelab's loop and the bench's minimal tfjs loop (scripts/bench/minimal-loop.ts) on the same
 * config, one after the other in this process, and prints per step: wall time, time inside backend
 * kernels (by kernel, with calls per step), and the rest (JavaScript: tapes, tidy, the loop itself,
 * the native Adam). A diagnostic, not a benchmark: `npm run bench` measures throughput (and writes
 * the same profile, each loop in a process of its own, into BENCHMARKS.md).
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { selectBackend } from "../src/backend/index.js";
import { profileLoop, splitStep, type StepProfile } from "./bench/profile.js";

function print(label: string, p: StepProfile): void {
  const { wall, kernels, outside, calls } = splitStep(p);
  console.log(
    `\n${label} (${p.steps} steps): ${wall.toFixed(3)} ms/step wall, ${kernels.toFixed(3)} ms in ${calls.toFixed(1)} kernel calls, ${outside.toFixed(3)} ms outside kernels`,
  );
  for (const [name, k] of Object.entries(p.kernels).sort((a, b) => b[1].ms - a[1].ms)) {
    const ms = k.ms / p.steps;
    console.log(
      `  ${name.padEnd(28)} ${ms.toFixed(3).padStart(8)} ms  ${(k.calls / p.steps).toFixed(1).padStart(6)} calls  ${((100 * ms) / wall).toFixed(1).padStart(5)} %`,
    );
  }
}

const argv = await yargs(hideBin(process.argv))
  .scriptName("npm run profile --")
  .usage("$0 <config.yaml> [options]")
  .command("$0 <config>", "profile one config", (y) => y.positional("config", { type: "string", demandOption: true }))
  .option("kernels", { choices: ["native", "wasm"] as const, default: "native" as const })
  .option("batch", { type: "number", default: 128 })
  .option("warmup", { type: "number", default: 10, describe: "warm-up seconds, not profiled (V8 compiles hot code for hundreds of steps)" })
  .option("seconds", { type: "number", default: 5, describe: "profiled seconds (at least 20 steps)" })
  .option("loop", { choices: ["both", "aelab", "minimal"] as const, default: "both" as const })
  .strict()
  .parseAsync();

const info = await selectBackend("wasm", { kernels: argv.kernels });
const config = String(argv.config);
console.log(
  `backend wasm, kernels ${info.kernels?.native ? `native (${info.kernels.blas}, ${info.kernels.blasThreads} thread(s))` : "wasm"}; ${config}, batch ${argv.batch}`,
);
const span = { warmupSteps: 10, warmupSeconds: argv.warmup, steps: 20, seconds: argv.seconds };
if (argv.loop !== "minimal") print("aelab loop", await profileLoop("aelab", config, argv.batch, span));
if (argv.loop !== "aelab") print("minimal tfjs loop", await profileLoop("minimal", config, argv.batch, span));
