import sharp from "sharp";
import { close as closeFd, fstatSync, fsync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { asFileSystemError, FileSystemError } from "../util/file-system-error.js";
import { registerOpenWriter, unregisterOpenWriter, type SyncFlushable } from "./exit-flush.js";
import { histogramProto, type HistogramOptions } from "./histogram.js";
import { sessionEndData, sessionStartData, type HparamsSession, type SessionStatus } from "./hparams.js";
import { encodePng, tileGrid, type ImageBatch } from "./image-grid.js";
import { encodeEvent, type SummaryValue } from "./proto.js";
import { encodeRecord } from "./record.js";
import {
  FILE_VERSION,
  HPARAMS_TAGS,
  StepGuard,
  checkScalar,
  checkStep,
  checkTag,
  histogramValue,
  hparamsValue,
  imageValue,
  scalarValue,
  textValue,
  wallTimeSeconds,
} from "./summary-values.js";
import type { SummaryWriter } from "./summary-writer.js";

export interface EventFileWriterOptions {
  /** Seconds between background flushes; default 10. */
  flushSeconds?: number;
  /** Appended to the file name, as TensorFlow's filename_suffix. */
  filenameSuffix?: string;
  /**
   * The last step of each tag already in this run folder (lastStepsOf(dir) reads them), for a
   * resumed run: the writer then refuses a step before them, as it does for its own.
   */
  lastSteps?: Iterable<readonly [string, number]>;
}

// Two writers created in one process within one second (one per run, or a restarted run)
// would otherwise get the same name; pid separates processes.
let filesOpened = 0;

function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

function closeFdAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => closeFd(fd, (err) => (err ? reject(err) : resolve())));
}

interface QueuedRecord {
  /** The framed record; undefined while its PNG is still encoding, null if encoding failed. */
  bytes: Buffer | null | undefined;
  /** Resolves (never rejects) once `bytes` is settled. */
  settled: Promise<void>;
}

const SETTLED = Promise.resolve();

/**
 * Writes one TensorBoard events file. Records are queued in memory and appended, whole, on a
 * timer, on flush()/close(), and synchronously by flushAllSync() when the process goes down
 * (installExitFlush()), so a crash loses at most the unflushed tail and every record already
 * in the file stays readable.
 *
 * Appends are synchronous writeSync calls of whole records (a flush is at most a few hundred
 * KB of page cache); only fsync runs in the background. So no write is ever half done when
 * JavaScript runs, and an exit hook can append without interleaving with a write in flight.
 */
export class EventFileWriter implements SummaryWriter, SyncFlushable {
  readonly path: string;
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  private readonly steps: StepGuard;
  /** Records in call order, not yet written; only ever taken from the front. */
  private queue: QueuedRecord[] = [];
  /** Tail of the flush chain: each flush starts after the previous one has finished. */
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** The fd is closed or about to be; nothing may write to it (its number may be reused). */
  private released = false;
  /** Bytes written since the last fsync. */
  private unsynced = false;
  private loggedSessionStart = false;
  private loggedSessionEnd = false;

  constructor(logdir: string, options: EventFileWriterOptions = {}) {
    const flushSeconds = options.flushSeconds ?? 10;
    if (!(flushSeconds > 0) || !Number.isFinite(flushSeconds)) {
      throw new RangeError(`EventFileWriter: flushSeconds must be a positive number (got ${flushSeconds})`);
    }
    const suffix = options.filenameSuffix ?? "";
    if (/[/\\]/.test(suffix)) {
      throw new RangeError(`EventFileWriter: filenameSuffix must not contain a path separator (got "${suffix}")`);
    }
    try {
      mkdirSync(logdir, { recursive: true });
    } catch (error) {
      throw asFileSystemError(error, logdir);
    }
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
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw asFileSystemError(error, path);
      }
    }
    this.path = path;
    this.fd = fd;
    this.steps = new StepGuard(options.lastSteps);
    try {
      // Written at once so the run shows up in TensorBoard before the first flush.
      writeAllSync(fd, encodeRecord(encodeEvent({ wallTime: wallTimeSeconds(), fileVersion: FILE_VERSION })));
    } catch (error) {
      closeFd(fd, () => {});
      throw asFileSystemError(error, path);
    }
    registerOpenWriter(this);

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
    this.steps.advance(tag, step);
    this.enqueue(scalarValue(tag, value), step);
  }

  async images(tag: string, batch: ImageBatch, step: number, columns?: number): Promise<void> {
    this.assertUsable("images");
    checkTag(tag);
    checkStep(tag, step);
    const grid = tileGrid(batch, columns);
    this.steps.advance(tag, step);
    const wallTime = wallTimeSeconds();
    const record = encodePng(grid).then((png) => this.record(imageValue(tag, png, grid), step, wallTime));
    const entry: QueuedRecord = { bytes: undefined, settled: SETTLED };
    // A failed encode drops only its own record; the caller sees the error through `record`.
    entry.settled = record.then(
      (bytes) => void (entry.bytes = bytes),
      () => void (entry.bytes = null),
    );
    this.queue.push(entry);
    await record;
  }

  /** An image that is already a PNG (a report figure, say): logged as is, its size read from the file. */
  async encodedImage(tag: string, png: Buffer, step: number): Promise<void> {
    this.assertUsable("encodedImage");
    checkTag(tag);
    checkStep(tag, step);
    const { width, height, channels } = await sharp(png).metadata();
    if (!width || !height || (channels !== 1 && channels !== 3 && channels !== 4))
      throw new Error(`encodedImage ${tag}: not a PNG sharp can read (${width}x${height}x${channels})`);
    this.steps.advance(tag, step);
    this.enqueue(imageValue(tag, png, { width, height, channels }), step);
  }

  histogram(tag: string, values: Float32Array | number[], step: number, options?: HistogramOptions): void {
    this.assertUsable("histogram");
    checkTag(tag);
    checkStep(tag, step);
    const histo = histogramProto(tag, values, options);
    this.steps.advance(tag, step);
    this.enqueue(histogramValue(tag, histo), step);
  }

  text(tag: string, markdown: string, step: number): void {
    this.assertUsable("text");
    checkTag(tag);
    checkStep(tag, step);
    const value = textValue(tag, markdown);
    this.steps.advance(tag, step);
    this.enqueue(value, step);
  }

  hparams(session: HparamsSession, step = 0): void {
    this.assertUsable("hparams");
    checkStep(HPARAMS_TAGS.sessionStart, step);
    if (this.loggedSessionStart) throw new Error(`EventFileWriter(${this.path}): hparams() called twice; TensorBoard keeps only the first`);
    const value = hparamsValue(HPARAMS_TAGS.sessionStart, sessionStartData(session));
    this.steps.advance(HPARAMS_TAGS.sessionStart, step);
    this.loggedSessionStart = true;
    this.enqueue(value, step);
  }

  hparamsEnd(status: SessionStatus, step = 0): void {
    this.assertUsable("hparamsEnd");
    checkStep(HPARAMS_TAGS.sessionEnd, step);
    if (this.loggedSessionEnd) throw new Error(`EventFileWriter(${this.path}): hparamsEnd() called twice; TensorBoard keeps only the first`);
    const value = hparamsValue(HPARAMS_TAGS.sessionEnd, sessionEndData(status));
    this.steps.advance(HPARAMS_TAGS.sessionEnd, step);
    this.loggedSessionEnd = true;
    this.enqueue(value, step);
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
      this.closing = flushed.finally(() => {
        this.released = true;
        unregisterOpenWriter(this);
        return closeFdAsync(this.fd);
      });
    }
    return this.closing;
  }

  /**
   * Writes the records that are ready now and fsyncs, synchronously; returns how many records it
   * wrote. For exit hooks (see exit-flush.ts); elsewhere flush() is the one to use. Records
   * behind an image still being encoded wait for it, so a tag's steps stay in order, unless
   * `atExit`: then they are written and the image is dropped.
   */
  flushSync(atExit = false): number {
    if (this.released || this.failure) return 0;
    const written = this.writeReady(atExit);
    if (this.unsynced) {
      this.unsynced = false;
      try {
        fsyncSync(this.fd);
      } catch (error) {
        throw this.fail(error);
      }
    }
    return written;
  }

  private enqueue(value: SummaryValue, step: number): void {
    this.queue.push({ bytes: this.record(value, step, wallTimeSeconds()), settled: SETTLED });
  }

  private record(value: SummaryValue, step: number, wallTime: number): Buffer {
    return encodeRecord(encodeEvent({ wallTime, step, summary: { value: [value] } }));
  }

  /** Appends the settled records at the front of the queue (all settled ones if `atExit`). */
  private writeReady(atExit: boolean): number {
    const ready: Buffer[] = [];
    const waiting: QueuedRecord[] = [];
    let taken = 0;
    for (const entry of this.queue) {
      if (entry.bytes === undefined) {
        if (!atExit) break;
        waiting.push(entry);
      } else if (entry.bytes !== null) {
        ready.push(entry.bytes);
      }
      taken++;
    }
    this.queue = [...waiting, ...this.queue.slice(taken)];
    if (ready.length === 0) return 0;
    try {
      this.checkNotDeleted();
      // One write of whole records: a crash mid-write can only cut the last one short.
      writeAllSync(this.fd, ready.length === 1 ? ready[0]! : Buffer.concat(ready));
    } catch (error) {
      // After a failed or partial write, anything appended would sit behind a broken record
      // that TensorBoard stops at, so the writer refuses further work.
      throw this.fail(error);
    }
    this.unsynced = true;
    return ready.length;
  }

  private writeQueued(): Promise<void> {
    const before = this.queue.map((entry) => entry.settled);
    const done = this.writing.then(async () => {
      if (this.failure) throw this.failedError();
      await Promise.all(before);
      if (this.released) return;
      // Everything queued before the call is settled now, so it is all in the ready prefix
      // (unless flushSync already wrote it).
      this.writeReady(false);
      this.unsynced = false;
      await fsyncFd(this.fd).catch((error: unknown) => {
        throw this.fail(error);
      });
    });
    this.writing = done.catch((error: unknown) => {
      this.fail(error);
    });
    return done;
  }

  /**
   * Linux lets a process write on into a file whose folder was deleted, and every record would be
   * lost unseen; so a deleted events file is a failure like a full disk.
   */
  private checkNotDeleted(): void {
    if (fstatSync(this.fd).nlink === 0) {
      throw Object.assign(new Error(`${this.path} was deleted`), { code: "ENOENT" });
    }
  }

  /** Keeps the first failure (a file-system fault as one line naming the file) and returns it. */
  private fail(error: unknown): Error {
    const converted = asFileSystemError(error, this.path);
    this.failure ??= converted instanceof Error ? converted : new Error(String(converted));
    return this.failure;
  }

  private failedError(): Error {
    // The first fault already names the file and the remedy; "an earlier write failed" would only bury it.
    if (this.failure instanceof FileSystemError) return this.failure;
    return new Error(`EventFileWriter(${this.path}): an earlier write failed: ${this.failure?.message}`, {
      cause: this.failure,
    });
  }

  private assertUsable(method: string): void {
    if (this.closing) throw new Error(`EventFileWriter(${this.path}): ${method}() called after close()`);
    if (this.failure) throw this.failedError();
  }
}
