/**
 * The bench's parent process: runs every measurement in a child process of its own (per OpenBLAS
 * environment pass, model, kernel set and loop), PyTorch alongside, then the soak, and writes the
 * report. It starts no tfjs backend itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfig } from "../../src/config/schema.js";
import type { Dataset } from "../../src/data/index.js";
import type { KernelTiming } from "../bench-kernels.js";
import type { BenchOptions, KernelSet } from "./args.js";
import { benchConfig, benchDataset } from "./config.js";
import { findResult, type Job, type JobResult, type Soak, type Throughput } from "./job.js";
import { loadAverage, machine } from "./machine.js";
import { SOAK_MODEL, type BenchModel } from "./models.js";
import type { ProfileResults } from "./report.js";
import { envPasses, type EnvPass } from "./openblas-env.js";
import { withOpenmpOpenblas } from "./openblas-variant.js";
import { failed, unavailable, type Outcome } from "./outcome.js";
import { findTorchPython, type PythonFound } from "./python.js";
import { renderReport, type ModelResults, type PassResults, type ReportInput } from "./report.js";
import { failureOf, runChild } from "./spawn.js";
import { rate } from "./table.js";
import { pairedRun, type PairedRun } from "./paired.js";
import { TORCH_SCRIPT } from "./python.js";
import { runTorch, writeTorchData, type TorchRun } from "./torch.js";
import { torchSpec } from "./torch-spec.js";

const BENCH_SCRIPT = fileURLToPath(new URL("../bench.ts", import.meta.url));

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one job in a fresh Node process (same loader flags as this one) under `env`. */
async function runJob(job: Job, env: NodeJS.ProcessEnv): Promise<Outcome<JobResult>> {
  // AELAB_KERNELS too, so nothing in the child can pick the other kernel set.
  const kernels = job.kind === "kernel-bench" ? "wasm" : job.kernels === "webgpu" ? "auto" : job.kernels;
  const out = await runChild(process.execPath, [...process.execArgv, "--expose-gc", BENCH_SCRIPT, "--worker", JSON.stringify(job)], {
    ...env,
    AELAB_KERNELS: kernels,
  });
  const result = out.code === 0 ? (findResult(out.stdout) as JobResult | undefined) : undefined;
  if (!result) return failed(failureOf(out));
  if (result.kind === "unavailable") return unavailable(result.reason);
  return { ok: true, value: result, backend: result.backend };
}

function throughputOf(outcome: Outcome<JobResult>): Outcome<Throughput> {
  if (!outcome.ok) return outcome;
  return outcome.value.kind === "throughput"
    ? { ok: true, value: outcome.value.throughput, backend: outcome.backend }
    : failed(`unexpected ${outcome.value.kind} result`);
}

function describe(outcome: Outcome<Throughput>): string {
  return outcome.ok
    ? `${rate(outcome.value.imagesPerSecond)} img/s (windows ${outcome.value.windows.map(rate).join(", ")})`
    : `${outcome.status}: ${outcome.reason}`;
}

interface Prepared {
  model: BenchModel;
  config: RunConfig;
  dataset: Dataset;
}

async function measureModel(
  p: Prepared,
  options: BenchOptions,
  pass: EnvPass,
  torch: { python: string; data: { path: string; count: number } } | null,
): Promise<ModelResults> {
  const results: ModelResults = { model: p.model, aelab: {}, minimal: {} };
  const tag = `[${pass.short}] ${p.model.label}`;
  for (const kernels of options.kernels) {
    for (const kind of ["aelab-loop", "minimal-loop"] as const) {
      const job: Job = { kind, config: p.model.config, batch: options.batch, kernels, blasThreads: options.blasThreads, timing: options.timing };
      const outcome = throughputOf(await runJob(job, pass.env));
      (kind === "aelab-loop" ? results.aelab : results.minimal)[kernels] = outcome;
      log(`${tag}: ${kind === "aelab-loop" ? "aelab loop" : "minimal tfjs loop"}, ${kernels} kernels: ${describe(outcome)}`);
    }
  }
  if (torch) {
    // Each PyTorch thread count with an aelab kernel set on as many threads is timed in turns with it
    // (paired.ts); the others (e.g. webgpu's comparison) alone, as before.
    const partners = pairPartners(options, results);
    const alone = options.torchThreads.filter((n) => !partners.has(n));
    const runs: TorchRun[] = [];
    let problem: Outcome<TorchRun> | undefined;
    results.paired = {};
    for (const [n, kernels] of partners) {
      const outcome = await timeInTurns(p, options, pass, torch, kernels, n);
      results.paired[kernels] = outcome;
      if (outcome.ok) runs.push(outcome.value.torch);
      else problem ??= outcome;
      log(
        `${tag}: ${kernels} kernels against PyTorch ${n} thr, in turns: ${
          outcome.ok
            ? `ratio ${outcome.value.summary.median.toFixed(2)} [${outcome.value.summary.q1.toFixed(2)}, ${outcome.value.summary.q3.toFixed(2)}] (spreads ${outcome.value.spreads.map(percent).join(", ")})`
            : outcome.reason
        }`,
      );
    }
    if (alone.length) {
      const outcome = await runTorch(torch.python, p.config, p.dataset, torch.data, options.timing, alone, pass.env);
      if (outcome.ok) runs.push(outcome.run);
      else problem ??= outcome.status === "failed" ? failed(outcome.reason) : unavailable(outcome.reason);
      log(
        `${tag}: PyTorch alone: ${outcome.ok ? outcome.run.results.map((r) => `${r.threads} thr ${rate(r.imagesPerSecond)} img/s`).join(", ") : outcome.reason}`,
      );
    }
    results.torch = runs.length ? { ok: true, value: { ...runs[0], results: runs.flatMap((r) => r.results).sort((x, y) => x.threads - y.threads) } } : problem;
  }
  return results;
}

const percent = (x: number) => `±${(x * 100).toFixed(1)} %`;

/**
 * PyTorch thread count → the aelab kernel set it is compared with: 1 thread with the wasm kernels (one
 * thread), the native kernels' BLAS thread count with them; only sets whose own run completed.
 */
function pairPartners(options: BenchOptions, results: ModelResults): Map<number, KernelSet> {
  const partners = new Map<number, KernelSet>();
  for (const kernels of ["wasm", "native"] as const) {
    const own = results.aelab[kernels];
    if (!options.kernels.includes(kernels) || !own?.ok) continue;
    const threads = kernels === "wasm" ? 1 : own.backend?.blasThreads;
    if (threads !== undefined && options.torchThreads.includes(threads) && !partners.has(threads)) partners.set(threads, kernels);
  }
  return partners;
}

/** aelab's loop and PyTorch timed in turns (paired.ts), at least 7 windows each (--quick: --windows). */
async function timeInTurns(
  p: Prepared,
  options: BenchOptions,
  pass: EnvPass,
  torch: { python: string; data: { path: string; count: number } },
  kernels: KernelSet,
  threads: number,
): Promise<Outcome<PairedRun>> {
  const timing = { ...options.timing, paced: true };
  const job: Job = { kind: "aelab-loop", config: p.model.config, batch: options.batch, kernels, blasThreads: options.blasThreads, timing };
  const spec = torchSpec(p.config, { height: p.dataset.height, width: p.dataset.width, channels: p.dataset.channels });
  const pairs = options.quick ? options.timing.windows : Math.max(MIN_PAIRS, options.timing.windows);
  try {
    const run = await pairedRun(
      {
        command: process.execPath,
        args: [...process.execArgv, "--expose-gc", BENCH_SCRIPT, "--worker", JSON.stringify(job)],
        env: { ...pass.env, AELAB_KERNELS: kernels },
      },
      {
        command: torch.python,
        args: [TORCH_SCRIPT, "--bench"],
        env: { ...pass.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
        firstLine: JSON.stringify({ spec, timing, threads: [threads], data: torch.data }),
      },
      pairs,
    );
    return { ok: true, value: run };
  } catch (err) {
    return failed((err as Error).message);
  }
}

/** The issue's floor for a steady comparison: at least 7 windows on each side. */
const MIN_PAIRS = 7;

async function kernelBench(options: BenchOptions, pass: EnvPass): Promise<Outcome<KernelTiming[]>> {
  const outcome = await runJob({ kind: "kernel-bench", budgetMs: options.quick ? 50 : 1000, blasThreads: options.blasThreads }, pass.env);
  log(`[${pass.short}] kernel micro-bench: ${outcome.ok ? "done" : outcome.reason}`);
  if (!outcome.ok) return outcome;
  return outcome.value.kind === "kernel-bench"
    ? { ok: true, value: outcome.value.rows, backend: outcome.backend }
    : failed(`unexpected ${outcome.value.kind} result`);
}

/** The kernel set profiles run on: native when the bench measures it, else the first CPU set (profiles time synchronous kernels). */
export const profileKernels = (options: BenchOptions): KernelSet =>
  options.kernels.includes("native") ? "native" : (options.kernels.find((k) => k !== "webgpu") ?? options.kernels[0]);

async function profiles(options: BenchOptions, pass: EnvPass, model: BenchModel): Promise<ProfileResults> {
  const kernels = profileKernels(options);
  const span = options.quick
    ? { warmupSteps: 2, warmupSeconds: 0, steps: 2, seconds: 0 }
    : { warmupSteps: 10, warmupSeconds: options.timing.warmupSeconds, steps: 20, seconds: 5 };
  const results: ProfileResults = { model, kernels, loops: {} };
  for (const loop of ["aelab", "minimal"] as const) {
    const job: Job = { kind: "profile", loop, config: model.config, batch: options.batch, kernels, blasThreads: options.blasThreads, span };
    const outcome = await runJob(job, pass.env);
    results.loops[loop] = !outcome.ok
      ? outcome
      : outcome.value.kind === "profile"
        ? { ok: true, value: outcome.value.profile, backend: outcome.backend }
        : failed(`unexpected ${outcome.value.kind} result`);
    log(`[${pass.short}] profile, ${model.label}, ${loop} loop, ${kernels} kernels: ${outcome.ok ? "done" : outcome.reason}`);
  }
  return results;
}

async function soak(options: BenchOptions, pass: EnvPass, kernels: KernelSet): Promise<Outcome<Soak>> {
  const job: Job = {
    kind: "soak",
    config: SOAK_MODEL.config,
    batch: options.batch,
    kernels,
    blasThreads: options.blasThreads,
    warmupSteps: options.timing.warmupSteps,
    steps: options.soakSteps,
  };
  const outcome = await runJob(job, pass.env);
  const result: Outcome<Soak> = !outcome.ok
    ? outcome
    : outcome.value.kind === "soak"
      ? { ok: true, value: outcome.value.soak, backend: outcome.backend }
      : failed(`unexpected ${outcome.value.kind} result`);
  log(
    `[${pass.short}] soak, ${SOAK_MODEL.label}, ${kernels} kernels: ${result.ok ? `tensors ${result.value.before.numTensors} -> ${result.value.after.numTensors}` : result.reason}`,
  );
  return result;
}

/** Runs the whole bench; returns the process exit code (1 if any measurement failed outright). */
export async function runBench(options: BenchOptions, argv: readonly string[]): Promise<number> {
  const date = new Date();
  const loadBefore = loadAverage();
  const envs = envPasses(options.openblasEnv);
  const skipped = envs.skipped;
  let openblasNote = "";
  const passes = envs.passes.map((pass) => {
    const { env, note } = withOpenmpOpenblas(pass.env);
    openblasNote = note;
    return { ...pass, env };
  });
  const prepared: Prepared[] = [];
  for (const model of options.models) {
    const config = benchConfig(model.config, options.batch);
    prepared.push({ model, config, dataset: await benchDataset(config) });
  }

  let python: PythonFound | null = null;
  const dir = mkdtempSync(join(tmpdir(), "aelab-bench-"));
  const data = new Map<Dataset, { path: string; count: number }>();
  try {
    if (options.torch) {
      python = options.python ? await findTorchPython([options.python]) : await findTorchPython();
      if (!python.ok) log(`PyTorch is skipped: ${python.reason}`);
      else for (const p of prepared) data.set(p.dataset, writeTorchData(dir, p.dataset));
    }
    const passResults: PassResults[] = [];
    for (const pass of passes) {
      log(`pass: ${pass.label}`);
      const before = loadAverage();
      const models: ModelResults[] = [];
      for (const p of prepared) models.push(await measureModel(p, options, pass, python?.ok ? { python: python.python, data: data.get(p.dataset)! } : null));
      const kernels = options.kernelBench ? await kernelBench(options, pass) : undefined;
      passResults.push({ pass, load: { before, after: loadAverage() }, models, kernelBench: kernels });
    }
    // Profiles say where time goes, not how fast: once, in the first pass's environment.
    const profileResults: ProfileResults[] = [];
    if (options.profile) for (const p of prepared) profileResults.push(await profiles(options, passes[0], p.model));
    // Leaks do not depend on OpenBLAS settings: the soak runs once, in the first pass's environment.
    const soaks: Array<{ kernels: KernelSet; outcome: Outcome<Soak> }> = [];
    if (options.soakSteps > 0) for (const kernels of options.kernels) soaks.push({ kernels, outcome: await soak(options, passes[0], kernels) });

    const input: ReportInput = {
      options,
      argv,
      date,
      machine: machine(),
      load: { before: loadBefore, after: loadAverage() },
      passes: passResults,
      skippedPass: skipped,
      openblasLibrary: openblasNote,
      soaks,
      profiles: profileResults,
      python,
    };
    const report = renderReport(input);
    process.stdout.write(`${report}\n`);
    if (options.out) {
      writeFileSync(options.out, `${report}\n`);
      log(`wrote ${options.out}`);
    }
    const anyFailed = [
      ...passResults.flatMap((p) => p.models.flatMap((m) => [...Object.values(m.aelab), ...Object.values(m.minimal), m.torch])),
      ...soaks.map((s) => s.outcome),
      ...profileResults.flatMap((p) => Object.values(p.loops)),
      ...passResults.flatMap((p) => p.models.flatMap((m) => Object.values(m.paired ?? {}))),
    ].some((o) => o !== undefined && !o.ok && o.status === "failed");
    return anyFailed ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
