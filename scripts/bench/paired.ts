/**
 * aelab against PyTorch, timed in turns: both processes warm up (one after the other), then run one timing
 * window each in alternation, A B A B ..., so a slow minute of the machine falls on both sides alike. The
 * ratio of each pair of neighbouring windows is one sample; the row reports their median and
 * interquartile range, and a row whose spread exceeds ±10 % of its median is measured again.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { findResult, type JobResult, type Throughput } from "./job.js";
import { PACE_PREFIX } from "./pace.js";
import type { TorchRun } from "./torch.js";

/** A row is steady when its ratios' quartiles lie within this fraction of their median. */
export const STEADY_SPREAD = 0.1;

export interface RatioSummary {
  median: number;
  q1: number;
  q3: number;
  /** max(median - q1, q3 - median) / median. */
  spread: number;
}

/** Quantile with linear interpolation between order statistics (numpy's default, type 7). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function summariseRatios(ratios: readonly number[]): RatioSummary {
  if (ratios.length === 0) throw new Error("no ratios to summarise");
  const median = quantile(ratios, 0.5);
  const q1 = quantile(ratios, 0.25);
  const q3 = quantile(ratios, 0.75);
  return { median, q1, q3, spread: Math.max(median - q1, q3 - median) / median };
}

/** A child that times in turns: it says where it is on stdout (PACE_PREFIX lines) and waits for go/stop on stdin. */
class PacedChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private readonly stdout: string[] = [];
  private stderr = "";
  private waiting: ((line: string | null) => void) | null = null;
  private readonly closed: Promise<number | null>;
  private ended = false;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv, firstLine?: string) {
    this.child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin.on("error", () => {});
    this.child.stderr.on("data", (b: Buffer) => {
      this.stderr += b.toString();
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.stdout.push(line);
      if (!line.startsWith(PACE_PREFIX)) return;
      const what = line.slice(PACE_PREFIX.length);
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(what);
      } else this.lines.push(what);
    });
    this.closed = new Promise((resolve) =>
      this.child.on("close", (code) => {
        this.ended = true;
        this.waiting?.(null);
        resolve(code);
      }),
    );
    if (firstLine !== undefined) this.child.stdin.write(`${firstLine}\n`);
  }

  /** The child's next pace line ("ready", "window <rate>"), or an error saying how it ended. */
  async next(): Promise<string> {
    const queued = this.lines.shift();
    const line = queued ?? (this.ended ? null : await new Promise<string | null>((resolve) => (this.waiting = resolve)));
    if (line === null) throw new Error(this.failure());
    return line;
  }

  send(word: "go" | "stop"): void {
    this.child.stdin.write(`${word}\n`);
  }

  /** Waits for the child to exit and returns its result line. */
  async finish(): Promise<unknown> {
    this.child.stdin.end();
    const code = await this.closed;
    const result = findResult(this.stdout.join("\n"));
    if (code !== 0 || result === undefined) throw new Error(this.failure(code));
    return result;
  }

  kill(): void {
    if (!this.ended) this.child.kill("SIGKILL");
  }

  private failure(code?: number | null): string {
    const last = this.stderr.trim().split("\n").filter(Boolean).at(-1);
    return `${code === undefined ? "ended early" : `exit code ${code}`}${last ? `: ${last.slice(0, 300)}` : ""}`;
  }
}

export interface ChildCommand {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Written to stdin first, as one line (bench_torch.py reads its job there). */
  firstLine?: string;
}

export interface PairedAttempt {
  aelab: Throughput;
  torch: TorchRun;
  ratios: number[];
  summary: RatioSummary;
}

export interface PairedRun extends PairedAttempt {
  /** Every attempt's spread, in order; the run kept is the steadiest. */
  spreads: number[];
}

const windowRate = (line: string): number => {
  const match = /^window (\S+)$/.exec(line);
  if (!match) throw new Error(`expected a timing window, got ${JSON.stringify(line)}`);
  return Number(match[1]);
};

async function expectReady(child: PacedChild, side: string): Promise<void> {
  const line = await child.next().catch((err: Error) => {
    throw new Error(`${side}: ${err.message}`);
  });
  if (line !== "ready") throw new Error(`${side}: expected "ready", got ${JSON.stringify(line)}`);
}

/** One attempt: warm-ups in turn, then `pairs` windows each, alternating, aelab first. */
export async function pairedAttempt(aelab: ChildCommand, torch: ChildCommand, pairs: number): Promise<PairedAttempt> {
  const a = new PacedChild(aelab.command, aelab.args, aelab.env, aelab.firstLine);
  let b: PacedChild | undefined;
  try {
    await expectReady(a, "aelab");
    b = new PacedChild(torch.command, torch.args, torch.env, torch.firstLine);
    await expectReady(b, "PyTorch");
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      a.send("go");
      const ra = windowRate(await a.next());
      b.send("go");
      const rb = windowRate(await b.next());
      ratios.push(ra / rb);
    }
    a.send("stop");
    b.send("stop");
    const [aelabResult, torchResult] = await Promise.all([a.finish(), b.finish()]);
    const throughput = (aelabResult as JobResult).kind === "throughput" ? (aelabResult as Extract<JobResult, { kind: "throughput" }>).throughput : undefined;
    if (!throughput) throw new Error(`aelab: unexpected result ${JSON.stringify(aelabResult).slice(0, 200)}`);
    return { aelab: throughput, torch: torchResult as TorchRun, ratios, summary: summariseRatios(ratios) };
  } finally {
    a.kill();
    b?.kill();
  }
}

/** Up to `attempts` attempts, stopping at the first steady one; the steadiest is kept. */
export async function pairedRun(aelab: ChildCommand, torch: ChildCommand, pairs: number, attempts = 2): Promise<PairedRun> {
  const done: PairedAttempt[] = [];
  while (done.length < attempts) {
    done.push(await pairedAttempt(aelab, torch, pairs));
    if ((done.at(-1) as PairedAttempt).summary.spread <= STEADY_SPREAD) break;
  }
  const best = done.reduce((x, y) => (y.summary.spread < x.summary.spread ? y : x));
  return { ...best, spreads: done.map((d) => d.summary.spread) };
}
