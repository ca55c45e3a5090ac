import { encodePng, tileGrid, type ImageBatch } from "./image-grid.js";
import { checkScalar, checkStep, checkTag } from "./summary-values.js";
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

/**
 * An in-memory SummaryWriter for tests. It validates, tiles and encodes exactly as
 * EventFileWriter does, so a bad batch fails here too, and it refuses use after close().
 */
export class MemoryWriter implements SummaryWriter {
  readonly scalars: LoggedScalar[] = [];
  // Not `images`: that name is the SummaryWriter method.
  readonly loggedImages: LoggedImage[] = [];
  flushCount = 0;
  closed = false;

  scalar(tag: string, value: number, step: number): void {
    this.assertOpen("scalar");
    checkTag(tag);
    checkStep(tag, step);
    checkScalar(tag, value);
    this.scalars.push({ tag, value, step });
  }

  async images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void> {
    this.assertOpen("images");
    checkTag(tag);
    checkStep(tag, step);
    const grid = tileGrid(batch, columns);
    const png = await encodePng(grid);
    this.loggedImages.push({ tag, step, png, height: grid.height, width: grid.width, channels: grid.channels });
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
