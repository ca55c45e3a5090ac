/**
 * The bench's command line, parsed without side effects (no printing, no exit, no file access) so a
 * test can check it: config files are positionals, every flag is declared, anything else is an error.
 */
import yargs from "yargs";
import { DEFAULT_MODELS, MODEL_KEYS, modelForConfig, type BenchModel } from "./models.js";

/** What aelab runs on: the wasm backend with its own kernels or the native BLAS ones, or the webgpu backend. */
export type KernelSet = "wasm" | "native" | "webgpu";
export const KERNEL_SETS: readonly KernelSet[] = ["wasm", "native", "webgpu"];
/** --backend: wasm measures the wasm and native kernel sets (the default); webgpu the webgpu backend. */
export const BENCH_BACKENDS = ["wasm", "webgpu"] as const;

/** Which OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE settings the timed child processes run under. */
export type OpenblasEnv = "both" | "as-is" | "unset";
export const OPENBLAS_ENV_CHOICES: readonly OpenblasEnv[] = ["both", "as-is", "unset"];

export interface Timing {
  /** Steps run before any window starts (first-use costs: kernel setup, heap growth, Adam slots). */
  warmupSteps: number;
  /**
   * ...and at least this long: V8 keeps compiling hot JS for hundreds of steps, on a background
   * thread that competes with the second BLAS thread on 2 cores (measured: after 400 steps the MLP VAE
   * gains ~10% and a second BLAS thread starts to pay), so a warm-up by steps alone times the JIT.
   */
  warmupSeconds: number;
  windows: number;
  /** A window ends at the first step that brings it to both this duration and windowSteps steps. */
  windowSeconds: number;
  windowSteps: number;
  /**
   * Set by the parent for the aelab-against-PyTorch pairs (paired.ts), never on the command line: the
   * child waits for its turn after the warm-up and after each window, and times windows until told to stop.
   */
  paced?: boolean;
}

export interface BenchOptions {
  models: BenchModel[];
  quick: boolean;
  torch: boolean;
  kernels: KernelSet[];
  torchThreads: number[];
  /** BLAS threads for the native kernels; undefined keeps aelab's default (AELAB_THREADS, else every core). */
  blasThreads?: number;
  batch: number;
  timing: Timing;
  /** 0: no soak. */
  soakSteps: number;
  openblasEnv: OpenblasEnv;
  kernelBench: boolean;
  /** Per-kernel profiles of both loops on each model (native kernels where measured); none when false. */
  profile: boolean;
  /** Where BENCHMARKS.md goes; null: print only. */
  out: string | null;
  /** A Python to use instead of searching /usr/bin/python3, then python3. */
  python?: string;
}

export type ParsedArgs =
  | { kind: "run"; options: BenchOptions }
  /** A child process of the bench: `spec` is the JSON job it was given (checked by the worker). */
  | { kind: "worker"; spec: string }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string };

const USAGE = "npm run bench -- [config.yaml ...] [--models vae,conv-vae] [--backend wasm|webgpu] [--quick] [--no-torch] [--out BENCHMARKS.md]";

// --quick is a smoke test of the plumbing: still >= 3 windows (a median needs them), each tiny.
const FULL = { warmupSteps: 10, warmupSeconds: 10, windows: 5, windowSeconds: 3, windowSteps: 3, soakSteps: 2000 };
const QUICK = { warmupSteps: 2, warmupSeconds: 0, windows: 3, windowSeconds: 0.2, windowSteps: 1, soakSteps: 20 };

function builder() {
  return yargs()
    .scriptName("npm run bench --")
    .usage(USAGE)
    .command("$0 [configs..]", "training throughput of aelab, a minimal tfjs loop and PyTorch", (y) =>
      y.positional("configs", { type: "string", array: true, describe: "config files to time instead of (or besides) --models" }),
    )
    .option("models", {
      type: "string",
      array: true,
      requiresArg: true,
      describe: `comma-separated keys of the default set: ${MODEL_KEYS.join(", ")} (default: all)`,
    })
    .option("quick", { type: "boolean", default: false, describe: "tiny windows and a short soak: checks the plumbing, measures nothing" })
    .option("torch", { type: "boolean", default: true, describe: "also time PyTorch (--no-torch to skip)" })
    .option("backend", {
      choices: BENCH_BACKENDS,
      describe:
        "wasm: the wasm and native kernel sets (default); webgpu: the webgpu backend (a GPU, or a software Vulkan driver), written to BENCHMARKS-webgpu.md",
    })
    .option("kernels", {
      type: "string",
      array: true,
      requiresArg: true,
      describe: "kernel sets for aelab and the minimal loop: wasm,native,webgpu (overrides --backend)",
    })
    .option("torch-threads", { type: "string", requiresArg: true, describe: "PyTorch thread counts, comma-separated (default 1,2)" })
    .option("blas-threads", { type: "number", requiresArg: true, describe: "BLAS threads of the native kernels (default: aelab's, every core)" })
    .option("batch", { type: "number", requiresArg: true, describe: "batch size (default 128)" })
    .option("warmup-seconds", {
      type: "number",
      requiresArg: true,
      describe: `warm-up lasts at least this long too (default ${FULL.warmupSeconds}; --quick ${QUICK.warmupSeconds})`,
    })
    .option("warmup", { type: "number", requiresArg: true, describe: `warm-up steps, not timed (default ${FULL.warmupSteps}; --quick ${QUICK.warmupSteps})` })
    .option("windows", { type: "number", requiresArg: true, describe: `timing windows, >= 3; the median is reported (default ${FULL.windows})` })
    .option("window-seconds", { type: "number", requiresArg: true, describe: `minimum length of a window (default ${FULL.windowSeconds})` })
    .option("window-steps", { type: "number", requiresArg: true, describe: `minimum steps in a window (default ${FULL.windowSteps})` })
    .option("soak-steps", {
      type: "number",
      requiresArg: true,
      describe: `MLP VAE steps between the tensor/RSS readings, 0 for none (default ${FULL.soakSteps}; --quick ${QUICK.soakSteps})`,
    })
    .option("openblas-env", {
      choices: OPENBLAS_ENV_CHOICES,
      describe: "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for the timed processes: as set, unset, or both passes (default both)",
    })
    .option("profile", { type: "boolean", default: true, describe: "also profile each model's step by kernel, both loops (--no-profile to skip)" })
    .option("kernel-bench", { type: "boolean", default: false, describe: "also time single kernels: stock and patched wasm, and native when the addon loads" })
    .option("out", { type: "string", requiresArg: true, describe: "where the report goes (default BENCHMARKS.md; - prints only)" })
    .option("python", { type: "string", requiresArg: true, describe: "the Python that imports torch (default /usr/bin/python3, then python3)" })
    .option("worker", { type: "string", requiresArg: true, hidden: true })
    .strict()
    .help()
    .version(false)
    .wrap(110);
}

const list = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);

function count(name: string, value: number | undefined, fallback: number, min: number, integer = true): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? "an integer" : "a number"} >= ${min} (got ${String(value)})`);
  }
  return value;
}

/** The models to time: the positional config files and --models keys, in that order, each once. */
function chooseModels(configs: string[], keys: string[]): BenchModel[] {
  for (const key of keys) {
    if (!MODEL_KEYS.includes(key)) throw new Error(`--models: unknown model '${key}' (expected ${MODEL_KEYS.join(", ")})`);
  }
  if (configs.length === 0 && keys.length === 0) return [...DEFAULT_MODELS];
  const chosen = [...configs.map(modelForConfig), ...DEFAULT_MODELS.filter((m) => keys.includes(m.key))];
  return chosen.filter((m, i) => chosen.findIndex((o) => o.config === m.config) === i);
}

/** Parses the arguments after `npm run bench --` (process.argv.slice(2)). */
export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  let err: Error | undefined;
  let parsed: Record<string, unknown> = {};
  let output = "";
  // With a callback, yargs hands back its help text and errors instead of printing them and exiting.
  builder().parse([...argv], {}, (e, a, o) => {
    err = e ?? undefined;
    parsed = a as Record<string, unknown>;
    output = o;
  });
  const hint = "(npm run bench -- --help lists the flags)";
  // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): one line here.
  if (err)
    return {
      kind: "error",
      message: `bench: ${err.message
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join(" ")} ${hint}`,
    };
  if (parsed.help) return { kind: "help", text: output };
  if (typeof parsed.worker === "string") return { kind: "worker", spec: parsed.worker };
  try {
    const quick = parsed.quick === true;
    const base = quick ? QUICK : FULL;
    const num = (key: string) => parsed[key] as number | undefined;
    const kernels = list(parsed.kernels as string[] | undefined);
    for (const k of kernels)
      if (!KERNEL_SETS.includes(k as KernelSet)) throw new Error(`--kernels: unknown kernel set '${k}' (expected ${KERNEL_SETS.join(", ")})`);
    const torchThreads = list(typeof parsed["torch-threads"] === "string" ? [parsed["torch-threads"]] : undefined).map((t) => {
      const n = Number(t);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--torch-threads: '${t}' is not a positive integer`);
      return n;
    });
    const backend = parsed.backend as (typeof BENCH_BACKENDS)[number] | undefined;
    const kernelSets: KernelSet[] = kernels.length ? [...new Set(kernels as KernelSet[])] : backend === "webgpu" ? ["webgpu"] : ["wasm", "native"];
    const options: BenchOptions = {
      models: chooseModels((parsed.configs as string[] | undefined) ?? [], list(parsed.models as string[] | undefined)),
      quick,
      torch: parsed.torch !== false,
      kernels: kernelSets,
      torchThreads: torchThreads.length ? [...new Set(torchThreads)] : [1, 2],
      blasThreads: num("blas-threads") === undefined ? undefined : count("blas-threads", num("blas-threads"), 1, 1),
      batch: count("batch", num("batch"), 128, 1),
      timing: {
        warmupSteps: count("warmup", num("warmup"), base.warmupSteps, 0),
        warmupSeconds: count("warmup-seconds", num("warmup-seconds"), base.warmupSeconds, 0, false),
        windows: count("windows", num("windows"), base.windows, 3),
        windowSeconds: count("window-seconds", num("window-seconds"), base.windowSeconds, 0, false),
        windowSteps: count("window-steps", num("window-steps"), base.windowSteps, 1),
      },
      soakSteps: count("soak-steps", num("soak-steps"), base.soakSteps, 0),
      openblasEnv: (parsed["openblas-env"] as OpenblasEnv | undefined) ?? "both",
      kernelBench: parsed["kernel-bench"] === true,
      // Per-kernel profiles time each kernel call as it returns: meaningless where kernels run asynchronously.
      profile: parsed.profile !== false && kernelSets.some((k) => k !== "webgpu"),
      // A webgpu-only bench keeps the CPU report (BENCHMARKS.md) as it is.
      out:
        parsed.out === "-"
          ? null
          : ((parsed.out as string | undefined) ?? (kernelSets.every((k) => k === "webgpu") ? "BENCHMARKS-webgpu.md" : "BENCHMARKS.md")),
      python: parsed.python as string | undefined,
    };
    return { kind: "run", options };
  } catch (e) {
    return { kind: "error", message: `bench: ${(e as Error).message} ${hint}` };
  }
}
