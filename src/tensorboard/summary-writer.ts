import type { ImageBatch } from "./image-grid.js";

/** What the training loop logs through; EventFileWriter writes files, MemoryWriter keeps arrays. */
export interface SummaryWriter {
  scalar(tag: string, value: number, step: number): void;
  /** Tiles the batch into one grid, encodes a PNG and queues it. */
  images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
