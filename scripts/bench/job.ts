/**
 * What the bench asks of a child process and what comes back. Kernels are global to a process (and so
 * are heap growth and JIT state), so every measurement runs in a process of its own; the parent only
 * orchestrates and never starts a tfjs backend.
 */
import type { KernelSet, Timing } from "./args.js";
import type { KernelTiming } from "../bench-kernels.js";
import type { ProfileSpan, StepProfile } from "./profile.js";

export type Job =
  /** (a) the aelab loop, or (b) the minimal hand-written tfjs loop, on one config. */
  | { kind: "aelab-loop" | "minimal-loop"; config: string; batch: number; kernels: KernelSet; blasThreads?: number; timing: Timing }
  /** numTensors and RSS before and after `steps` steps of the aelab loop. */
  | { kind: "soak"; config: string; batch: number; kernels: KernelSet; blasThreads?: number; warmupSteps: number; steps: number }
  /** The single-kernel micro-bench (scripts/bench-kernels.ts). */
  | { kind: "kernel-bench"; budgetMs: number; blasThreads?: number }
  /** Per-kernel time of one loop's steps (scripts/bench/profile.ts). */
  | { kind: "profile"; loop: "aelab" | "minimal"; config: string; batch: number; kernels: KernelSet; blasThreads?: number; span: ProfileSpan };

/** The backend a child ran on, as selectBackend described it. */
export interface BackendSummary {
  kernels: KernelSet;
  /** e.g. "OpenBLAS SkylakeX pthreads" (native only). */
  blas?: string;
  blasThreads?: number;
  /** Where the environment makes OpenBLAS run slower kernels than the CPU supports: which variable, and what it costs (src/backend/blas/core-advice.ts). */
  slowerKernels?: string;
  /** addon.blasInfo().config, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...", whenever the addon loads. */
  blasConfig?: string;
  simd: boolean | null;
  threads: number | null;
  versions: Record<string, string>;
  /** The WebGPU adapter (webgpu only), as `aelab info` describes it. */
  adapter?: string;
}

export interface Throughput {
  /** Median of the windows. */
  imagesPerSecond: number;
  windows: number[];
  steps: number;
}

export interface SoakReading {
  step: number;
  numTensors: number;
  numBytes: number;
  rss: number;
}

export interface Soak {
  /** Before the model is built, and after training has disposed everything. */
  tensorsAtStart: number;
  tensorsAtEnd: number;
  before: SoakReading;
  after: SoakReading;
}

export type JobResult =
  | { kind: "throughput"; backend: BackendSummary; throughput: Throughput }
  | { kind: "soak"; backend: BackendSummary; soak: Soak }
  | { kind: "kernel-bench"; backend: BackendSummary; rows: KernelTiming[] }
  | { kind: "profile"; backend: BackendSummary; profile: StepProfile }
  /** The job could not run here (e.g. native kernels requested, addon not built): a reason, not a failure. */
  | { kind: "unavailable"; reason: string };

/** A child prints its result as one line starting with this, so library chatter on stdout cannot confuse it. */
export const RESULT_PREFIX = "@@aelab-bench-result ";

export function resultLine(result: unknown): string {
  return `${RESULT_PREFIX}${JSON.stringify(result)}`;
}

/** The last result line in a child's stdout, parsed; undefined if it printed none. */
export function findResult(stdout: string): unknown {
  const line = stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  return line === undefined ? undefined : JSON.parse(line.slice(RESULT_PREFIX.length));
}
