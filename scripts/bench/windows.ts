import type { Timing } from "./args.js";
import type { Throughput } from "./job.js";
import { pace } from "./pace.js";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per-step durations after a warm-up of at least `warmupSteps` steps and `warmupSeconds`: the caller
 * marks the end of every step (`lap`), and calls `resume` right before a step that does not follow
 * another (the first one, or one after an epoch's evaluation), so time spent between steps never counts.
 * On wasm and the native kernels every kernel finishes before its call returns (on webgpu see syncEvery),
 * so a step's end is when its last call returned.
 */
export class StepClock {
  private last = performance.now();
  private seen = 0;
  private warmupMs = 0;
  private warmed = false;

  /**
   * `syncEvery`: on a backend that runs asynchronously (webgpu) a step's end is only known at a step
   * that waits for the device (a read-back every `syncEvery` steps), so the warm-up ends only there.
   */
  constructor(
    private readonly warmupSteps: number,
    private readonly warmupSeconds: number,
    private readonly syncEvery = 1,
  ) {}

  resume(): void {
    this.last = performance.now();
  }

  /** A step has just ended: its milliseconds, or undefined while it still belonged to the warm-up. */
  lap(): number | undefined {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    this.seen++;
    if (this.warmed) return ms;
    this.warmupMs += ms;
    this.warmed = this.seen >= this.warmupSteps && this.warmupMs >= this.warmupSeconds * 1000 && this.atSync;
    return undefined;
  }

  /** Whether the step just marked is one where the device was waited for (every step but on webgpu). */
  get atSync(): boolean {
    return this.seen % this.syncEvery === 0;
  }

  get warm(): boolean {
    return this.warmed;
  }

  /** Steps marked so far, warm-up included. */
  get steps(): number {
    return this.seen;
  }
}

/**
 * Timing windows built from a StepClock's per-step durations. Windows are sized in time, not steps,
 * because the models differ 100-fold in speed.
 */
export class StepWindows {
  private readonly clock: StepClock;
  private current = { steps: 0, ms: 0 };
  private readonly rates: number[] = [];

  /** `syncEvery`: as StepClock's; windows then close only at such steps, so each holds whole device work. */
  constructor(
    private readonly timing: Timing,
    private readonly imagesPerStep: number,
    syncEvery = 1,
  ) {
    this.clock = new StepClock(timing.warmupSteps, timing.warmupSeconds, syncEvery);
  }

  resume(): void {
    this.clock.resume();
  }

  /** A step has just ended. */
  step(): void {
    const ms = this.clock.lap();
    if (this.done) return;
    if (ms === undefined) {
      // Paced (timing.paced): the step that ends the warm-up is where this process first waits its turn.
      if (this.timing.paced && this.clock.warm) this.turn("ready");
      return;
    }
    this.current.steps++;
    this.current.ms += ms;
    if (this.current.steps >= this.timing.windowSteps && this.current.ms >= this.timing.windowSeconds * 1000 && this.clock.atSync) {
      const rate = (this.current.steps * this.imagesPerStep * 1000) / this.current.ms;
      this.rates.push(rate);
      this.current = { steps: 0, ms: 0 };
      if (this.timing.paced) this.turn(`window ${rate}`);
    }
  }

  /** Waits for the parent's word; the time waited is not counted in the next window. */
  private turn(what: string): void {
    if (pace(what) === "stop") this.stopped = true;
    this.clock.resume();
  }

  private stopped = false;

  /** Unpaced: once `timing.windows` windows are timed; paced: once the parent says stop. */
  get done(): boolean {
    return this.timing.paced ? this.stopped : this.rates.length >= this.timing.windows;
  }

  result(): Throughput {
    if (!this.done || this.rates.length === 0) throw new Error(`only ${this.rates.length} of ${this.timing.windows} timing windows were completed`);
    return { imagesPerSecond: median(this.rates), windows: [...this.rates], steps: this.clock.steps };
  }
}
