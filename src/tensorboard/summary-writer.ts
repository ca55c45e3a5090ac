import type { HistogramOptions } from "./histogram.js";
import type { HparamsSession, SessionStatus } from "./hparams.js";
import type { ImageBatch } from "./image-grid.js";

/**
 * What the training loop logs through; EventFileWriter writes files, MemoryWriter keeps arrays.
 * Steps are safe integers and never go backwards within a tag (an equal step is fine); a call
 * that would break this throws a RangeError and logs nothing.
 */
export interface SummaryWriter {
  scalar(tag: string, value: number, step: number): void;
  /** Tiles the batch into one grid, encodes a PNG and queues it. */
  images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void>;
  /** Buckets finite values into fixed-width buckets over their [min, max] or `options.range`. */
  histogram(tag: string, values: Float32Array | number[], step: number, options?: HistogramOptions): void;
  /** A Markdown text, shown by TensorBoard's Text dashboard. */
  text(tag: string, markdown: string, step: number): void;
  /** This run's hyperparameters: one session of the HParams dashboard. Once per writer. */
  hparams(session: HparamsSession, step?: number): void;
  /** How the session ended. Once per writer; TensorBoard keeps the first status it reads. */
  hparamsEnd(status: SessionStatus, step?: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
