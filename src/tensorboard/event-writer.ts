import { close as closeFd, fsync, mkdirSync, openSync, write, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { encodePng, tileGrid, type ImageBatch } from "./image-grid.js";
import { encodeEvent, type SummaryValue } from "./proto.js";
import { encodeRecord } from "./record.js";
import {
  FILE_VERSION,
  checkScalar,
  checkStep,
  checkTag,
  imageValue,
  scalarValue,
  wallTimeSeconds,
} from "./summary-values.js";
import type { SummaryWriter } from "./summary-writer.js";

export interface EventFileWriterOptions {
  /** Seconds between background flushes; default 10. */
  flushSeconds?: number;
  /** Appended to the file name, as TensorFlow's filename_suffix. */
  filenameSuffix?: string;
}

// Two writers created in one process within one second (one per run, or a restarted run)
// would otherwise get the same name; pid separates processes.
let filesOpened = 0;

function writeChunk(fd: number, data: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, data, offset, data.length - offset, null, (err, written) => (err ? reject(err) : resolve(written))),
  );
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; ) offset += await writeChunk(fd, data, offset);
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

function closeFdAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => closeFd(fd, (err) => (err ? reject(err) : resolve())));
}

/**
 * Writes one TensorBoard events file. Records are queued in memory and appended, whole, on a
 * timer and on flush()/close(), so a crash loses at most the unflushed tail and every record
 * already in the file stays readable.
 */
export class EventFileWriter implements SummaryWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  /** Encoded records in call order; an image's slot is held while its PNG is encoded. */
  private queue: Array<Buffer | Promise<Buffer | null>> = [];
  /** Tail of the write chain: each flush starts after the previous one has finished. */
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(logdir: string, options: EventFileWriterOptions = {}) {
    const flushSeconds = options.flushSeconds ?? 10;
    if (!(flushSeconds > 0) || !Number.isFinite(flushSeconds)) {
      throw new RangeError(`EventFileWriter: flushSeconds must be a positive number (got ${flushSeconds})`);
    }
    const suffix = options.filenameSuffix ?? "";
    if (/[/\\]/.test(suffix)) {
      throw new RangeError(`EventFileWriter: filenameSuffix must not contain a path separator (got "${suffix}")`);
    }
    mkdirSync(logdir, { recursive: true });
    const stem = `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}`;
    let path: string;
    let fd: number;
    for (;;) {
      path = join(logdir, `${stem}.${filesOpened++}${suffix}`);
      try {
        // "ax": append-only, and never two writers on one file, even across processes.
        fd = openSync(path, "ax");
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    this.path = path;
    this.fd = fd;
    // Written at once so the run shows up in TensorBoard before the first flush.
    const first = encodeRecord(encodeEvent({ wallTime: wallTimeSeconds(), fileVersion: FILE_VERSION }));
    for (let offset = 0; offset < first.length; ) offset += writeSync(fd, first, offset);

    this.timer = setInterval(() => {
      if (this.queue.length > 0 && !this.failure) {
        // A failure is kept in this.failure and thrown by the next call, not left unhandled here.
        this.writeQueued().catch(() => {});
      }
    }, flushSeconds * 1000);
    // Logging must never be the reason a finished training script stays alive.
    this.timer.unref();
  }

  scalar(tag: string, value: number, step: number): void {
    this.assertUsable("scalar");
    checkTag(tag);
    checkStep(tag, step);
    checkScalar(tag, value);
    this.queue.push(this.record(scalarValue(tag, value), step, wallTimeSeconds()));
  }

  async images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void> {
    this.assertUsable("images");
    checkTag(tag);
    checkStep(tag, step);
    const wallTime = wallTimeSeconds();
    const grid = tileGrid(batch, columns);
    const record = encodePng(grid).then((png) => this.record(imageValue(tag, png, grid), step, wallTime));
    // A failed encode drops only its own record; the caller sees the error through `record`.
    this.queue.push(record.catch(() => null));
    await record;
  }

  /** Resolves once everything queued before the call is written and fsynced. */
  async flush(): Promise<void> {
    this.assertUsable("flush");
    return this.writeQueued();
  }

  /** Flushes, fsyncs and closes the file. Idempotent: later calls return the same promise. */
  close(): Promise<void> {
    if (!this.closing) {
      clearInterval(this.timer);
      const flushed = this.failure ? Promise.reject(this.failedError()) : this.writeQueued();
      this.closing = flushed.finally(() => closeFdAsync(this.fd));
    }
    return this.closing;
  }

  private record(value: SummaryValue, step: number, wallTime: number): Buffer {
    return encodeRecord(encodeEvent({ wallTime, step, summary: { value: [value] } }));
  }

  private writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const done = this.writing.then(async () => {
      if (this.failure) throw this.failedError();
      const records = (await Promise.all(batch)).filter((r): r is Buffer => r !== null);
      // One write of whole records: a crash mid-write can only cut the last one short.
      if (records.length > 0) await writeAll(this.fd, Buffer.concat(records));
      await fsyncFd(this.fd);
    });
    this.writing = done.catch((error: unknown) => {
      // After a failed or partial write, anything appended would sit behind a broken record
      // that TensorBoard stops at, so the writer refuses further work.
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    });
    return done;
  }

  private failedError(): Error {
    return new Error(`EventFileWriter(${this.path}): an earlier write failed: ${this.failure?.message}`, {
      cause: this.failure,
    });
  }

  private assertUsable(method: string): void {
    if (this.closing) throw new Error(`EventFileWriter(${this.path}): ${method}() called after close()`);
    if (this.failure) throw this.failedError();
  }
}
