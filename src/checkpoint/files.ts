import { open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "../util/lock-file.js";
import { CheckpointError, reason } from "./errors.js";

/** Writes a file and fsyncs it, so a rename that publishes it never publishes an empty or torn file. */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs a directory so the renames and new entries in it survive a power loss. Windows cannot open a
 * directory for fsync (EPERM / EISDIR); there the rename itself is all we get.
 */
export async function syncDir(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle?.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/** A checkpoint file's bytes, or a CheckpointError naming the file. */
export async function readCheckpointFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) throw new CheckpointError(`checkpoint file ${path} is missing`);
    throw new CheckpointError(`cannot read checkpoint file ${path}: ${reason(error)}`);
  }
}

export async function readJsonFile(path: string): Promise<unknown> {
  const text = (await readCheckpointFile(path)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CheckpointError(`checkpoint file ${path} is not valid JSON (${reason(error)})`);
  }
}

/** The bytes of a Buffer as an ArrayBuffer of their own (a Buffer may be a view into a shared pool). */
export function ownArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * Removes temp folders that no save will ever finish: this process's own (a save that threw) and those of
 * processes that are gone (a crash). A live process's temp folder is left alone.
 */
export async function removeStaleTemps(runDir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(runDir);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid === process.pid || !processAlive(pid)) {
      await rm(join(runDir, name), { recursive: true, force: true });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Publishes the complete folder `temp` as `dir`, keeping `old` as the fallback while the two renames run.
 * The disk is in one of these states whatever step a crash interrupts:
 *
 * 1. while `temp` is written: `dir` (previous checkpoint) is untouched; `temp` is a partial leftover
 *    that load never reads and the next save removes.
 * 2. after `dir` -> `old`, before `temp` -> `dir`: only `old` holds a checkpoint, and load reads it.
 *    The next save sees no `dir`, so it keeps `old` until its own `temp` -> `dir` has happened.
 * 3. after `temp` -> `dir`, before `old` is removed (or while it is half removed): `dir` is complete
 *    and load prefers it; the next save removes the stale `old` first.
 *
 * An error during the renames is treated like a crash: the disk is left as it is, since every
 * intermediate state above is one that load and the next save already handle, and an attempt to undo
 * could itself fail halfway.
 */
export async function swapIn(temp: string, dir: string, old: string, parent: string): Promise<void> {
  if (await exists(dir)) {
    // `dir` is complete, so a leftover `old` (state 3 of an earlier save) is no longer needed.
    await rm(old, { recursive: true, force: true });
    await rename(dir, old);
  }
  await rename(temp, dir);
  await syncDir(parent);
  await rm(old, { recursive: true, force: true });
  await syncDir(parent);
}
