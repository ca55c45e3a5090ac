/**
 * Where a training step's time goes: every kernel registered for the wasm backend is wrapped to count
 * its calls and time them (they run synchronously on wasm and on the native kernels), while aelab's
 * loop or the minimal tfjs loop trains. The rest of a step's wall time is JavaScript: tapes, tidy,
 * the loop itself, and the native Adam (a plain function call, not a kernel). The wrapper costs about
 * a microsecond a call, so kernel times read slightly high. A diagnostic beside the throughput bench.
 */
import * as tf from "@tensorflow/tfjs";
import { runAelabLoop, type StepTimer } from "./aelab-loop.js";
import { runMinimalLoop } from "./minimal-loop.js";
import { StepClock } from "./windows.js";

export interface KernelStat {
  calls: number;
  ms: number;
}

export interface StepProfile {
  steps: number;
  wallMs: number;
  /** By kernel name, over all profiled steps. */
  kernels: Record<string, KernelStat>;
}

/** How long to warm up and how long to profile: at least this many steps and seconds each. */
export interface ProfileSpan {
  warmupSteps: number;
  warmupSeconds: number;
  steps: number;
  seconds: number;
}

/** Counts and times kernel calls while `recording`; installed once per process. */
class KernelProfiler {
  recording = false;
  stats = new Map<string, KernelStat>();
  private depth = 0;

  constructor(backendName: string) {
    for (const kernel of tf.getKernelsForBackend(backendName)) {
      const inner = kernel.kernelFunc;
      tf.unregisterKernel(kernel.kernelName, backendName);
      tf.registerKernel({
        ...kernel,
        kernelFunc: (args) => {
          if (!this.recording || this.depth > 0) return inner(args);
          // A kernel that calls others counts once, under its own name.
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
}

let profiler: KernelProfiler | undefined;

/** Marks step ends; records kernels from the end of the warm-up until profiling is done. */
class Span implements StepTimer {
  private readonly clock: StepClock;
  private profiled = 0;
  private profiledMs = 0;
  private profiling = false;

  constructor(
    private readonly span: ProfileSpan,
    private readonly kernels: KernelProfiler,
  ) {
    this.clock = new StepClock(span.warmupSteps, span.warmupSeconds);
  }

  resume(): void {
    this.clock.resume();
  }

  step(): void {
    const ms = this.clock.lap();
    if (!this.profiling) {
      if (this.clock.warm) {
        this.profiling = true;
        this.kernels.stats = new Map();
        this.kernels.recording = true;
      }
      return;
    }
    if (ms === undefined || this.done) return;
    this.profiled++;
    this.profiledMs += ms;
    if (this.done) this.kernels.recording = false;
  }

  get done(): boolean {
    return this.profiling && this.profiled >= this.span.steps && this.profiledMs >= this.span.seconds * 1000;
  }

  result(): StepProfile {
    return { steps: this.profiled, wallMs: this.profiledMs, kernels: Object.fromEntries(this.kernels.stats) };
  }
}

/** Profiles aelab's loop or the minimal loop on a config (the wasm backend must be started). */
export async function profileLoop(loop: "aelab" | "minimal", file: string, batch: number, span: ProfileSpan): Promise<StepProfile> {
  profiler ??= new KernelProfiler("wasm");
  const timer = new Span(span, profiler);
  await (loop === "aelab" ? runAelabLoop : runMinimalLoop)(file, batch, timer);
  return timer.result();
}

/** Per-step milliseconds of all kernels, and the rest of the step. */
export function splitStep(p: StepProfile): { wall: number; kernels: number; outside: number; calls: number } {
  const stats = Object.values(p.kernels);
  const kernels = stats.reduce((s, k) => s + k.ms, 0) / p.steps;
  const wall = p.wallMs / p.steps;
  return { wall, kernels, outside: wall - kernels, calls: stats.reduce((s, k) => s + k.calls, 0) / p.steps };
}
