import type { Timing } from "./args.js";
import type { Throughput } from "./job.js";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Timing windows built from per-step durations: the caller marks the end of every step, and calls
 * `resume` right before a step that does not follow another (the first one, or one after an epoch's
 * evaluation), so time spent between steps never counts. Windows are sized in time, not steps, because
 * the models differ 100-fold in speed. The backends run synchronously (wasm and the native kernels both
 * finish before a kernel call returns), so a step's end is when its last call returned.
 */
export class StepWindows {
  private last = performance.now();
  private seen = 0;
  private warmupMs = 0;
  private warm = false;
  private current = { steps: 0, ms: 0 };
  private readonly rates: number[] = [];

  constructor(
    private readonly timing: Timing,
    private readonly imagesPerStep: number,
  ) {}

  resume(): void {
    this.last = performance.now();
  }

  /** A step has just ended. */
  step(): void {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    this.seen++;
    if (!this.warm) {
      this.warmupMs += ms;
      this.warm = this.seen >= this.timing.warmupSteps && this.warmupMs >= this.timing.warmupSeconds * 1000;
      return;
    }
    if (this.done) return;
    this.current.steps++;
    this.current.ms += ms;
    if (this.current.steps >= this.timing.windowSteps && this.current.ms >= this.timing.windowSeconds * 1000) {
      this.rates.push((this.current.steps * this.imagesPerStep * 1000) / this.current.ms);
      this.current = { steps: 0, ms: 0 };
    }
  }

  get done(): boolean {
    return this.rates.length >= this.timing.windows;
  }

  result(): Throughput {
    if (!this.done) throw new Error(`only ${this.rates.length} of ${this.timing.windows} timing windows were completed`);
    return { imagesPerSecond: median(this.rates), windows: [...this.rates], steps: this.seen };
  }
}
