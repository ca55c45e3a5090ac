/** BENCHMARKS.md: the machine, the method, and one set of tables per OpenBLAS environment pass. */
import type { KernelTiming } from "../bench-kernels.js";
import type { BenchOptions, KernelSet } from "./args.js";
import { trainImages } from "./config.js";
import type { BackendSummary, Soak, Throughput } from "./job.js";
import type { Machine } from "./machine.js";
import { SOAK_MODEL, type BenchModel } from "./models.js";
import { describeOpenblasEnv, OPENBLAS_VARIABLES, type EnvPass } from "./openblas-env.js";
import type { Outcome } from "./outcome.js";
import { splitStep, type StepProfile } from "./profile.js";
import type { PythonFound } from "./python.js";
import { markdownTable, rate } from "./table.js";
import { STEADY_SPREAD, type PairedRun } from "./paired.js";
import type { TorchRun } from "./torch.js";

export interface ModelResults {
  model: BenchModel;
  aelab: Partial<Record<KernelSet, Outcome<Throughput>>>;
  minimal: Partial<Record<KernelSet, Outcome<Throughput>>>;
  torch?: Outcome<TorchRun>;
  /** aelab's loop and PyTorch timed in turns (paired.ts), by the aelab kernel set compared. */
  paired?: Partial<Record<KernelSet, Outcome<PairedRun>>>;
}

type Load = [number, number, number];

export interface ProfileResults {
  model: BenchModel;
  kernels: KernelSet;
  loops: Partial<Record<"aelab" | "minimal", Outcome<StepProfile>>>;
}

export interface PassResults {
  pass: EnvPass;
  load: { before: Load; after: Load };
  models: ModelResults[];
  kernelBench?: Outcome<KernelTiming[]>;
}

export interface ReportInput {
  options: BenchOptions;
  argv: readonly string[];
  date: Date;
  machine: Machine;
  load: { before: Load; after: Load };
  passes: PassResults[];
  skippedPass?: string;
  /** Which OpenBLAS library the timed processes load (see openblas-variant.ts). */
  openblasLibrary: string;
  soaks: Array<{ kernels: KernelSet; outcome: Outcome<Soak> }>;
  profiles: ProfileResults[];
  /** null: PyTorch was not asked for (--no-torch). */
  python: PythonFound | null;
}

/** Numbered notes for cells without a number, each distinct reason once. */
class Notes {
  private readonly reasons: string[] = [];
  /** "[n]" for the outcome's reason. */
  ref(outcome: Outcome<unknown>): string {
    if (outcome.ok) return "";
    const text = `${outcome.status === "failed" ? "FAILED: " : ""}${outcome.reason}`;
    let i = this.reasons.indexOf(text);
    if (i < 0) i = this.reasons.push(text) - 1;
    return `[${i + 1}]`;
  }
  /** A table cell for a missing number: "n/a [n]" (expected here) or "failed [n]" (a bug). */
  cell(outcome: Outcome<unknown>): string {
    if (outcome.ok) return "";
    return `${outcome.status === "failed" ? "failed" : "n/a"} ${this.ref(outcome)}`;
  }
  render(): string {
    return this.reasons.map((r, i) => `${i + 1}. ${r}`).join("\n");
  }
  get size(): number {
    return this.reasons.length;
  }
}

const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
export const commandLine = (argv: readonly string[]) => `npm run bench${argv.length ? ` -- ${argv.map(shellWord).join(" ")}` : ""}`;

const loadText = (l: Load) => l.map((v) => v.toFixed(2)).join(" / ");
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function throughputCell(outcome: Outcome<Throughput> | undefined, notes: Notes): string {
  if (!outcome) return "";
  if (!outcome.ok) return notes.cell(outcome);
  const { imagesPerSecond, windows } = outcome.value;
  return `${rate(imagesPerSecond)} (${rate(Math.min(...windows))}–${rate(Math.max(...windows))})`;
}

function backends(passes: PassResults[]): BackendSummary[] {
  const out: BackendSummary[] = [];
  for (const p of passes) {
    for (const m of p.models) for (const o of [...Object.values(m.aelab), ...Object.values(m.minimal)]) if (o?.ok && o.backend) out.push(o.backend);
    if (p.kernelBench?.ok && p.kernelBench.backend) out.push(p.kernelBench.backend);
  }
  return out;
}

/** BLAS threads of the native kernels in a pass, if any native measurement ran. */
function nativeThreads(pass: PassResults): number | undefined {
  for (const m of pass.models) {
    const o = m.aelab.native;
    if (o?.ok && o.backend?.blasThreads) return o.backend.blasThreads;
  }
  return undefined;
}

function machineSection(input: ReportInput, notes: Notes): string {
  const { machine: m, options } = input;
  const all = backends(input.passes);
  const wasm = all.find((b) => b.kernels !== "webgpu");
  const webgpu = all.find((b) => b.kernels === "webgpu");
  const native = all.find((b) => b.kernels === "native");
  const blasConfig = all.find((b) => b.blasConfig)?.blasConfig;
  const nativeFailure = input.passes.flatMap((p) => p.models.map((x) => x.aelab.native)).find((o) => o && !o.ok);
  const nativeText = native
    ? `${native.blas}, ${native.blasThreads} BLAS thread(s)`
    : !options.kernels.includes("native")
      ? "not measured (--kernels)"
      : nativeFailure
        ? `not available ${notes.ref(nativeFailure)}`
        : "not measured";
  const torchRun = input.passes.flatMap((p) => p.models.map((x) => x.torch)).find((o) => o?.ok);
  const torchText =
    input.python === null
      ? "not run (--no-torch)"
      : !input.python.ok
        ? `not run: ${input.python.reason}`
        : `${input.python.torch} (${input.python.python})${torchRun?.ok && torchRun.value.blasLibrary ? `, BLAS ${torchRun.value.blasLibrary}` : ""}`;
  const versions =
    (wasm ?? webgpu)
      ? Object.entries((wasm ?? webgpu)!.versions)
          .filter(([k]) => k !== "node")
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
      : "no tfjs process completed";
  const rows = [
    ["CPU", `${m.cpu}, ${m.cores} cores`],
    ["Memory", `${m.memoryGiB.toFixed(1)} GiB`],
    ["OS", m.os],
    ["Load average (1 / 5 / 15 min)", `before ${loadText(input.load.before)}; after ${loadText(input.load.after)}`],
    ["Node", m.node],
    [
      "tfjs",
      wasm
        ? `${versions}; wasm backend, SIMD ${wasm.simd ? "on" : "off"}, ${wasm.threads ?? "?"} thread(s)`
        : webgpu
          ? `${versions}; webgpu backend`
          : versions,
    ],
    ...(options.kernels.includes("webgpu") ? [["WebGPU adapter", webgpu?.adapter ?? "none (see the notes)"]] : []),
    ["OpenBLAS (addon blasInfo())", blasConfig ?? "addon not loaded"],
    ["Native kernels", nativeText],
    // The environment as the bench found it (pass 1); a pass with the variables unset runs the CPU's own kernels.
    ...(native?.slowerKernels ? [["Slower kernels", native.slowerKernels]] : []),
    ["PyTorch", torchText],
    ["OpenBLAS environment", `${describeOpenblasEnv(process.env)} in the bench's environment`],
    ["Commit", m.commit ?? "not a git checkout"],
  ];
  return `## Machine\n\n${markdownTable(["", ""], rows)}`;
}

function methodSection(input: ReportInput): string {
  const { options } = input;
  const t = options.timing;
  const lines = [
    `- Batch ${options.batch}; ${trainImages(options.batch).toLocaleString("en-US")} training images of each config's own data (the embedded MNIST digits; the generated 32x32 colour shapes for the colour conv VAE), the same images for every loop and for PyTorch.`,
    `- Each number is the median images/s of ${t.windows} timing windows (each at least ${t.windowSeconds} s and ${t.windowSteps} step(s)), after a warm-up of at least ${t.warmupSteps} steps and ${t.warmupSeconds} s that is not timed (V8 compiles hot code for hundreds of steps); in brackets the slowest and fastest window.`,
    '- Every (model, kernel set, loop) runs in a child process of its own: kernels are global to a process. The kernel set is chosen with `selectBackend("wasm", { kernels })` and `AELAB_KERNELS`; webgpu with `selectBackend("webgpu")`.',
    ...(options.kernels.includes("webgpu")
      ? [
          "- **webgpu** runs asynchronously: a step returns before the device has finished it. The loops read their losses back every 10 steps (log.every = 10; the minimal loop waits for the device there), and timing windows start and end only at those steps, so each window holds whole device work.",
        ]
      : []),
    "- **aelab loop**: `trainLoop` (src/train/loop.ts) with a `MemoryWriter`, timed per step, so the evaluation between epochs is not counted.",
    "- **minimal tfjs loop**: scripts/bench/minimal-loop.ts: the same networks (src/nn), losses (src/losses) and Adam (src/train/optimizers), one `tf.variableGrads` + `applyGradients` per phase and nothing else. **Loop overhead** = aelab step time / minimal step time − 1 (target ≤ 5 %).",
    "- **PyTorch**: scripts/bench_torch.py, the same architectures ('same' padding as tfjs), losses, per-network Adam and phases, with `torch.set_num_threads(n)`; each process first runs a 1024³ matmul (PyTorch is about 3× slower cold here), then the same warm-up and windows. **Ratio** = aelab images/s ÷ PyTorch images/s (below 1: aelab is slower): wasm kernels (one thread) against PyTorch on 1 thread, native kernels against PyTorch with as many threads as the BLAS kernels use.",
    "- **In turns** (scripts/bench/paired.ts): for each ratio, an aelab loop process and a PyTorch process warm up one after the other and then time one window each in alternation (aelab, PyTorch, aelab, ...; at least 7 each), the waiting side idle; each pair of neighbouring windows gives one ratio, and the table shows their median with the interquartile range in brackets. The PyTorch columns are the medians of these windows; the aelab columns come from the aelab loop's own runs above.",
    `- ${OPENBLAS_VARIABLES.join(" and ")} slow current OpenBLAS down; both sides run under the same settings, once as the environment has them and once with both unset (for the bench's child processes only).${input.skippedPass ? ` Here ${input.skippedPass}.` : ""}`,
    `- Library: ${input.openblasLibrary}. PyTorch's own OpenMP threads and a pthreads OpenBLAS oversubscribe 2 cores (PyTorch's MLP VAE measured 5,264 images/s on 2 threads with the pthreads build, 17,492 with the OpenMP one).`,
  ];
  return `## Method\n\n${lines.join("\n")}`;
}

function passSection(p: PassResults, index: number, options: BenchOptions, notes: Notes): string {
  const parts = [`## Pass ${index + 1}: ${p.pass.label}`, `Load average before ${loadText(p.load.before)}, after ${loadText(p.load.after)}.`];

  const loopRows = p.models.flatMap((m) =>
    options.kernels.map((k) => {
      const a = m.aelab[k];
      const b = m.minimal[k];
      const overhead = a?.ok && b?.ok ? `${((b.value.imagesPerSecond / a.value.imagesPerSecond - 1) * 100).toFixed(1)} %` : "";
      return [m.model.label, m.model.config, k, throughputCell(a, notes), throughputCell(b, notes), overhead];
    }),
  );
  parts.push(
    "### aelab loop against a minimal tfjs loop (images/s)",
    markdownTable(["model", "config", "kernels", "aelab loop", "minimal tfjs loop", "loop overhead"], loopRows),
  );

  if (p.models.some((m) => m.torch)) {
    const threads = options.torchThreads;
    const nThreads = nativeThreads(p);
    const torchAt = (m: ModelResults, n: number | undefined) => (m.torch?.ok ? m.torch.value.results.find((r) => r.threads === n) : undefined);
    const headers = [
      "model",
      ...options.kernels.map((k) => (k === "native" ? `aelab native (${nThreads ?? "?"} thr)` : k === "webgpu" ? "aelab webgpu" : "aelab wasm (1 thr)")),
      ...threads.map((n) => `PyTorch ${n} thr`),
      ...options.kernels.map((k) =>
        k === "native" ? `native / PyTorch ${nThreads ?? "?"} thr` : k === "webgpu" ? `webgpu / PyTorch ${Math.max(...threads)} thr` : "wasm / PyTorch 1 thr",
      ),
    ];
    const rows = p.models.map((m) => {
      const torchCells = threads.map((n) => {
        if (!m.torch) return "";
        if (!m.torch.ok) return notes.cell(m.torch);
        const r = torchAt(m, n);
        return r ? `${rate(r.imagesPerSecond)} (${rate(Math.min(...r.windows))}–${rate(Math.max(...r.windows))})` : "";
      });
      const ratios = options.kernels.map((k) => {
        const paired = m.paired?.[k];
        if (paired && !paired.ok) return notes.cell(paired);
        if (paired?.ok) {
          const { median, q1, q3 } = paired.value.summary;
          return `${median.toFixed(2)}× [${q1.toFixed(2)}–${q3.toFixed(2)}]`;
        }
        const a = m.aelab[k];
        // webgpu is compared with PyTorch on every thread it was given: the best the CPU does.
        const r = torchAt(m, k === "native" ? nThreads : k === "webgpu" ? Math.max(...threads) : 1);
        return a?.ok && r ? ratio(a.value.imagesPerSecond, r.imagesPerSecond) : "";
      });
      return [m.model.label, ...options.kernels.map((k) => throughputCell(m.aelab[k], notes)), ...torchCells, ...ratios];
    });
    parts.push("### aelab against PyTorch (images/s)", markdownTable(headers, rows));
    const steadiness = p.models.flatMap((m) =>
      Object.entries(m.paired ?? {}).flatMap(([k, o]) =>
        o?.ok
          ? [
              `${m.model.label}, ${k}: ${o.value.ratios.length} pairs, spread ±${(o.value.summary.spread * 100).toFixed(1)} %${
                o.value.spreads.length > 1 ? ` (attempts: ${o.value.spreads.map((x) => `±${(x * 100).toFixed(1)} %`).join(", ")})` : ""
              }${o.value.summary.spread > STEADY_SPREAD ? " — still above ±10 % after the re-run: read this ratio with care" : ""}`,
            ]
          : [],
      ),
    );
    if (steadiness.length)
      parts.push(
        `How steady each ratio was (timed in turns; spread = the larger distance from the median ratio to a quartile, relative to the median; a row above ±10 % is measured once more and the steadier attempt kept): ${steadiness.join("; ")}.`,
      );
    const gflops = p.models.flatMap((m) =>
      m.torch?.ok
        ? [`${m.model.label}: ${m.torch.value.results.map((r) => `${r.threads} thr ${r.matmulGflops.toFixed(0)} (${r.blasThreads ?? "?"})`).join(", ")}`]
        : [],
    );
    if (gflops.length)
      parts.push(
        `PyTorch's 1024³ matmul right after the warm-up one, GFLOP/s per process (OpenBLAS threads as the process saw them in brackets): ${gflops.join("; ")}.`,
      );
  }

  if (p.kernelBench) {
    const kb = p.kernelBench;
    parts.push("### Single kernels (stock wasm, aelab's wasm fixes, native BLAS)");
    parts.push(
      kb.ok
        ? markdownTable(
            ["kernel", "shape", "variant", "ms", "GFLOP/s"],
            kb.value.map((k) => [k.kernel, k.shape, k.variant, k.ms.toFixed(2), k.gflops.toFixed(1)]),
          )
        : `No rows: ${notes.cell(kb)}.`,
    );
  }
  return parts.join("\n\n");
}

function soakSection(input: ReportInput, notes: Notes): string {
  const rows = input.soaks.map(({ kernels, outcome }) => {
    if (!outcome.ok) return [SOAK_MODEL.label, kernels, notes.cell(outcome), "", "", "", ""];
    const { before, after, tensorsAtStart, tensorsAtEnd } = outcome.value;
    return [
      SOAK_MODEL.label,
      kernels,
      `${before.step} → ${after.step}`,
      `${before.numTensors} → ${after.numTensors}`,
      `${mib(before.numBytes)} → ${mib(after.numBytes)}`,
      `${mib(before.rss)} → ${mib(after.rss)}`,
      `${tensorsAtStart} → ${tensorsAtEnd}`,
    ];
  });
  return [
    "## Soak",
    `${SOAK_MODEL.label} (${SOAK_MODEL.config}) trained by the aelab loop for ${input.options.soakSteps.toLocaleString("en-US")} steps between two readings, both taken right after a loss read-back and a full garbage collection; tensors and bytes from tf.memory(), RSS of the process. The last column: tensors before the networks were built and after training disposed them.`,
    markdownTable(["model", "kernels", "steps", "tensors", "tensor bytes", "RSS", "tensors outside training"], rows),
  ].join("\n\n");
}

/** Kernels shown by name in a profile table; the rest are summed in one row. */
const PROFILE_TOP = 8;

function profileSection(input: ReportInput, notes: Notes): string {
  if (input.profiles.length === 0) return "";
  const ms = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const parts = [
    "## Profile: where a step's time goes",
    `Each loop in a process of its own, after the same warm-up, every kernel call timed (a wrapper adds ~1 µs a call): milliseconds per step and calls per step, on the ${input.profiles[0].kernels} kernels. "Outside kernels" is the step's wall time minus its kernels: JavaScript (tapes, tidy, the loop) and the native Adam, which is a plain call, not a kernel. \`npm run profile -- <config>\` prints the same for one config.`,
  ];
  for (const r of input.profiles) {
    const aelab = r.loops.aelab;
    const minimal = r.loops.minimal;
    parts.push(`### ${r.model.label} (${r.model.config})`);
    if (!aelab?.ok) {
      parts.push(`aelab loop: ${aelab ? notes.cell(aelab) : "n/a"}`);
      continue;
    }
    const a = aelab.value;
    const m = minimal?.ok ? minimal.value : undefined;
    const perStep = (p: StepProfile | undefined, name: string) =>
      p?.kernels[name] ? { ms: p.kernels[name].ms / p.steps, calls: p.kernels[name].calls / p.steps } : undefined;
    const names = Object.keys(a.kernels).sort((x, y) => a.kernels[y].ms - a.kernels[x].ms);
    const shown = names.slice(0, PROFILE_TOP);
    const cells = (v: { ms: number; calls: number } | undefined, wall: number | undefined) =>
      v && wall ? [ms(v.ms), v.calls.toFixed(1), `${((100 * v.ms) / wall).toFixed(1)} %`] : ["", "", ""];
    const [sa, sm] = [splitStep(a), m ? splitStep(m) : undefined];
    const rows = shown.map((name) => [name, ...cells(perStep(a, name), sa.wall), ...cells(perStep(m, name), sm?.wall)]);
    const rest = (p: StepProfile | undefined) => {
      if (!p) return undefined;
      const others = Object.entries(p.kernels).filter(([name]) => !shown.includes(name));
      return { ms: others.reduce((s, [, k]) => s + k.ms, 0) / p.steps, calls: others.reduce((s, [, k]) => s + k.calls, 0) / p.steps };
    };
    rows.push(["other kernels", ...cells(rest(a), sa.wall), ...cells(rest(m), sm?.wall)]);
    rows.push([
      "outside kernels",
      ms(sa.outside),
      "",
      `${((100 * sa.outside) / sa.wall).toFixed(1)} %`,
      ...(sm ? [ms(sm.outside), "", `${((100 * sm.outside) / sm.wall).toFixed(1)} %`] : ["", "", ""]),
    ]);
    rows.push([
      "**step (wall)**",
      `**${ms(sa.wall)}**`,
      sa.calls.toFixed(1),
      "100 %",
      ...(sm ? [`**${ms(sm.wall)}**`, sm.calls.toFixed(1), "100 %"] : [minimal ? notes.cell(minimal) : "", "", ""]),
    ]);
    parts.push(markdownTable(["kernel", "aelab ms", "calls", "share", "minimal ms", "calls", "share"], rows));
  }
  return parts.join("\n\n");
}

export function renderReport(input: ReportInput): string {
  const notes = new Notes();
  const header = [
    "# Benchmarks",
    ...(input.options.quick
      ? [
          "> **Quick smoke run (`--quick`)**: it checks that the bench works; its numbers are not measurements. Run `npm run bench` on a quiet machine for real ones.",
        ]
      : []),
    `Written by \`${commandLine(input.argv)}\` on ${input.date.toISOString()}. Timings live here, never in tests.`,
  ].join("\n\n");
  const sections = [header, machineSection(input, notes), methodSection(input), ...input.passes.map((p, i) => passSection(p, i, input.options, notes))];
  if (input.soaks.length) sections.push(soakSection(input, notes));
  if (input.profiles.length) sections.push(profileSection(input, notes));
  if (notes.size) sections.push(`## Notes\n\n${notes.render()}`);
  return sections.join("\n\n");
}
