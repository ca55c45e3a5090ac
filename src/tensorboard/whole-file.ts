import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { asFileSystemError } from "../util/file-system-error.js";
import { encodeEvent, type Event } from "./proto.js";
import { encodeRecord } from "./record.js";
import { FILE_VERSION, StepGuard, checkStep, checkTag } from "./summary-values.js";

// Records are written in chunks of about this size: a file of derived data (seed bands) can hold
// hundreds of thousands of events, and one Buffer.concat of them all would double the memory.
const CHUNK_BYTES = 1 << 20;

/**
 * Writes `events` as one whole events file at `path` (its folder must exist), replacing what is there
 * at once: the records go to a temporary name without "tfevents" in it (TensorBoard must never load a
 * half-written file), are fsynced, and the file is renamed over `path`. A crash or a full disk leaves
 * the previous file as it was. For files aelab derives and rewrites whole (seed bands, the Custom
 * Scalars layout); a run's own log is EventFileWriter's, which appends. A file_version event comes
 * first, at `wallTime`; steps must not go backwards within a tag (StepGuard's rule).
 */
export function writeWholeEventsFile(path: string, events: Iterable<Event>, wallTime: number): void {
  const guard = new StepGuard();
  // pid and a random part: runners of two shards on two machines may write the same experiment folder.
  const temporary = join(dirname(path), `.${basename(path).replaceAll("tfevents", "events")}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, "w");
    let chunk: Buffer[] = [encodeRecord(encodeEvent({ wallTime, fileVersion: FILE_VERSION }))];
    let size = chunk[0]!.length;
    const flush = () => {
      const bytes = Buffer.concat(chunk);
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd!, bytes, offset);
      chunk = [];
      size = 0;
    };
    for (const event of events) {
      for (const value of event.summary?.value ?? []) {
        checkTag(value.tag);
        checkStep(value.tag, event.step ?? 0);
        guard.advance(value.tag, event.step ?? 0);
      }
      const record = encodeRecord(encodeEvent(event));
      chunk.push(record);
      size += record.length;
      if (size >= CHUNK_BYTES) flush();
    }
    flush();
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    // A full disk can leave a partial temporary file; the published file is still the old one.
    rmSync(temporary, { force: true });
    throw asFileSystemError(error, path);
  }
}
