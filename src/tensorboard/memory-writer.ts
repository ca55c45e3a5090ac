import { histogramProto, type HistogramOptions } from "./histogram.js";
import { sessionEndData, sessionStartData, type HparamsSession, type SessionStatus } from "./hparams.js";
import { encodePng, tileGrid, type ImageBatch } from "./image-grid.js";
import type { HistogramProto, SessionStartInfo } from "./proto.js";
import { HPARAMS_TAGS, StepGuard, checkScalar, checkStep, checkTag, textValue } from "./summary-values.js";
import type { SummaryWriter } from "./summary-writer.js";

export interface LoggedScalar {
  tag: string;
  value: number;
  step: number;
}

export interface LoggedImage {
  tag: string;
  step: number;
  png: Buffer;
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface LoggedHistogram {
  tag: string;
  step: number;
  histo: HistogramProto;
}

export interface LoggedText {
  tag: string;
  step: number;
  markdown: string;
}

export interface LoggedHparams {
  /** The SessionStartInfo the file writer would write. */
  start?: SessionStartInfo & { step: number };
  end?: { status: SessionStatus /** api.proto Status, as written */; statusCode: number; endTimeSecs: number; step: number };
}

/**
 * An in-memory SummaryWriter for tests. It validates, tiles, encodes and buckets exactly as
 * EventFileWriter does (same step rule too), so a bad call fails here too, and it refuses use
 * after close().
 */
export class MemoryWriter implements SummaryWriter {
  readonly scalars: LoggedScalar[] = [];
  // Not `images`, `histograms`, ...: those names are the SummaryWriter methods.
  readonly loggedImages: LoggedImage[] = [];
  readonly loggedHistograms: LoggedHistogram[] = [];
  readonly loggedTexts: LoggedText[] = [];
  readonly loggedHparams: LoggedHparams = {};
  flushCount = 0;
  closed = false;
  private readonly steps = new StepGuard();

  scalar(tag: string, value: number, step: number): void {
    this.assertOpen("scalar");
    checkTag(tag);
    checkStep(tag, step);
    checkScalar(tag, value);
    this.steps.advance(tag, step);
    this.scalars.push({ tag, value, step });
  }

  async images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void> {
    this.assertOpen("images");
    checkTag(tag);
    checkStep(tag, step);
    const grid = tileGrid(batch, columns);
    this.steps.advance(tag, step);
    const png = await encodePng(grid);
    this.loggedImages.push({ tag, step, png, height: grid.height, width: grid.width, channels: grid.channels });
  }

  histogram(tag: string, values: Float32Array | number[], step: number, options?: HistogramOptions): void {
    this.assertOpen("histogram");
    checkTag(tag);
    checkStep(tag, step);
    const histo = histogramProto(tag, values, options);
    this.steps.advance(tag, step);
    this.loggedHistograms.push({ tag, step, histo });
  }

  text(tag: string, markdown: string, step: number): void {
    this.assertOpen("text");
    checkTag(tag);
    checkStep(tag, step);
    textValue(tag, markdown); // the same type check as the file writer
    this.steps.advance(tag, step);
    this.loggedTexts.push({ tag, step, markdown });
  }

  hparams(session: HparamsSession, step = 0): void {
    this.assertOpen("hparams");
    checkStep(HPARAMS_TAGS.sessionStart, step);
    if (this.loggedHparams.start) throw new Error("MemoryWriter: hparams() called twice; TensorBoard keeps only the first");
    const { sessionStartInfo } = sessionStartData(session);
    this.steps.advance(HPARAMS_TAGS.sessionStart, step);
    this.loggedHparams.start = { ...sessionStartInfo!, step };
  }

  hparamsEnd(status: SessionStatus, step = 0): void {
    this.assertOpen("hparamsEnd");
    checkStep(HPARAMS_TAGS.sessionEnd, step);
    if (this.loggedHparams.end) throw new Error("MemoryWriter: hparamsEnd() called twice; TensorBoard keeps only the first");
    const { sessionEndInfo } = sessionEndData(status);
    this.steps.advance(HPARAMS_TAGS.sessionEnd, step);
    this.loggedHparams.end = { status, statusCode: sessionEndInfo!.status ?? 0, endTimeSecs: sessionEndInfo!.endTimeSecs ?? 0, step };
  }

  async flush(): Promise<void> {
    this.assertOpen("flush");
    this.flushCount++;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Scalars of one tag, in logging order. */
  series(tag: string): Array<{ step: number; value: number }> {
    return this.scalars.filter((s) => s.tag === tag).map(({ step, value }) => ({ step, value }));
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new Error(`MemoryWriter: ${method}() called after close()`);
  }
}
