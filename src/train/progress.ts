import cliProgress from "cli-progress";

/** What the loop reports as it goes; the CLI picks a bar for a terminal and plain lines otherwise. */
export interface Progress {
  epochStart(epoch: number, epochs: number, steps: number): void;
  /** `values` is present on logging steps only (the loop reads losses back only then). */
  step(stepInEpoch: number, values?: ReadonlyMap<string, number>): void;
  epochEnd(line: string): void;
  message(line: string): void;
  /** Work before training, `done` of `total` (decoding a dataset's images); optional for a Progress of one's own. */
  task?(label: string, done: number, total: number): void;
  close(): void;
}

/** Loss terms only: diagnostics and gating counts go to TensorBoard, not to the one-line progress. */
export function formatValues(values: ReadonlyMap<string, number>): string {
  return [...values]
    .filter(([name]) => !/^(diagnostics|gating)\//.test(name))
    .map(([name, v]) => `${name} ${formatNumber(v)}`)
    .join("  ");
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : v.toFixed(a >= 100 ? 2 : 4);
}

export const silentProgress: Progress = {
  epochStart() {},
  step() {},
  epochEnd() {},
  message() {},
  close() {},
};

/** One line per logging step and per epoch: readable in CI logs and when piped to a file. */
export class LineProgress implements Progress {
  private epochLabel = "";
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}
  epochStart(epoch: number, epochs: number, steps: number): void {
    this.epochLabel = `epoch ${epoch}/${epochs}`;
    this.write(`${this.epochLabel}: ${steps} steps`);
  }
  step(stepInEpoch: number, values?: ReadonlyMap<string, number>): void {
    if (values) this.write(`${this.epochLabel} step ${stepInEpoch}: ${formatValues(values)}`);
  }
  epochEnd(line: string): void {
    this.write(line);
  }
  message(line: string): void {
    this.write(line);
  }
  /** A line at every tenth of the work, so a log shows it moving without a line per image. */
  task(label: string, done: number, total: number): void {
    const tenth = (n: number) => Math.floor((10 * n) / total);
    if (done === total || tenth(done) !== tenth(done - 1)) this.write(`${label}: ${done}/${total}`);
  }
  close(): void {}
}

/** A live bar for an interactive terminal. */
export class BarProgress implements Progress {
  private readonly bar = new cliProgress.SingleBar(
    { format: "{epoch} |{bar}| {value}/{total} {unit} | {losses}", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  private running = false;

  epochStart(epoch: number, epochs: number, steps: number): void {
    this.bar.start(steps, 0, { epoch: `epoch ${epoch}/${epochs}`, unit: "steps", losses: "" });
    this.running = true;
  }
  step(stepInEpoch: number, values?: ReadonlyMap<string, number>): void {
    this.bar.update(stepInEpoch, values ? { losses: formatValues(values) } : {});
  }
  epochEnd(line: string): void {
    this.stopBar();
    process.stdout.write(`${line}\n`);
  }
  message(line: string): void {
    if (this.running) this.bar.stop();
    process.stdout.write(`${line}\n`);
    this.running = false;
  }
  task(label: string, done: number, total: number): void {
    if (!this.running) {
      this.bar.start(total, 0, { epoch: label, unit: "images", losses: "" });
      this.running = true;
    }
    this.bar.update(done);
    if (done === total) this.stopBar();
  }
  close(): void {
    this.stopBar();
  }
  private stopBar(): void {
    if (this.running) this.bar.stop();
    this.running = false;
  }
}

export function progressFor(stream: NodeJS.WriteStream = process.stdout): Progress {
  return stream.isTTY && !process.env.CI ? new BarProgress() : new LineProgress();
}
