import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { firstLine } from "../util/first-line.js";
import { packageInfo } from "../util/package-info.js";
import type { Split } from "./split.js";

/** A decoded dataset as the cache holds it: byte pixels and labels, with what a loader needs to rebuild the Dataset. */
export interface CachedData {
  height: number;
  width: number;
  channels: number;
  classes?: string[];
  parts: { train: Split & { images: Uint8Array }; test?: Split & { images: Uint8Array } };
  /** Lines said when the data was decoded (files skipped, files that did not decode), said again on a cache hit. */
  notes: string[];
}

/** What a cache entry must match to be used: the source and transform (its key), and the files as they are now. */
export interface CacheIdentity {
  /** Everything that decides the pixels besides the files' contents: resolved source, size, fit, channels, options. */
  recipe: Record<string, unknown>;
  /** Each file read, with its size and modification time (and label): a changed, added or removed file changes it. */
  manifest: unknown;
}

const MAGIC = Buffer.from("AELABDC1");
// Another aelab or another libvips may decode or resize differently: either one invalidates an entry.
const WRITER = { format: 1, aelab: packageInfo.version, sharp: sharp.versions.sharp, vips: sharp.versions.vips };

/** The entry's file: `<dir>/<name>-<hash of the recipe>.bin`, so one folder resized two ways keeps two entries. */
export function cachePath(dir: string, name: string, identity: CacheIdentity): string {
  const slug =
    name
      .replace(/[^A-Za-z0-9_.-]+/g, "_")
      .replace(/^[._-]+/, "")
      .slice(0, 40) || "data";
  return join(dir, `${slug}-${digest(identity.recipe).slice(0, 16)}.bin`);
}

/**
 * The cached data at `path` if it is whole (its payload's SHA-256 checks), was written by this aelab and
 * libvips, and matches `identity`; else why not, so the caller decodes again (and says why). Never throws
 * for a bad entry: a cache cut short, corrupt or stale is rebuilt, never read as data.
 */
export function readCache(path: string, identity: CacheIdentity): { data: CachedData } | { stale: string } {
  if (!existsSync(path)) return { stale: "no cache yet" };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { stale: `the cache cannot be read (${firstLine(error)})` };
  }
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) return { stale: "the cache is not an aelab data cache" };
  const headerLength = bytes.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString("utf8")) as Header;
  } catch {
    return { stale: "the cache's header is damaged" };
  }
  if (JSON.stringify(header.writer) !== JSON.stringify(WRITER)) return { stale: `the cache was written by another version (${JSON.stringify(header.writer)})` };
  const payload = bytes.subarray(12 + headerLength);
  if (payload.length !== header.payloadBytes || digest(payload) !== header.payloadSha256) return { stale: "the cache is incomplete or damaged" };
  if (header.recipe !== digest(identity.recipe)) return { stale: "the cache is for another source or transform" };
  if (header.manifest !== digest(identity.manifest)) return { stale: "the files changed since the cache was written" };
  let at = 0;
  const take = (length: number) => {
    const view = new Uint8Array(payload.buffer, payload.byteOffset + at, length);
    at += length;
    return view;
  };
  const perImage = header.height * header.width * header.channels;
  const part = (count: number) => ({ images: take(count * perImage), labels: take(count), count });
  const train = part(header.counts.train);
  const test = header.counts.test === undefined ? undefined : part(header.counts.test);
  return {
    data: { height: header.height, width: header.width, channels: header.channels, classes: header.classes, parts: { train, test }, notes: header.notes },
  };
}

/**
 * Writes an entry whole or not at all: a temporary file of this process, fsynced, then renamed over the
 * entry. Two runs decoding the same folder at once each write their own temporary file and the last
 * rename wins; both entries are whole and the same. Returns the error's first line when the cache cannot
 * be written (a read-only or full disk): the data is loaded anyway, only not cached.
 */
export function writeCache(path: string, identity: CacheIdentity, data: CachedData): string | undefined {
  const blocks = [data.parts.train.images, data.parts.train.labels, ...(data.parts.test ? [data.parts.test.images, data.parts.test.labels] : [])];
  const hash = createHash("sha256");
  for (const block of blocks) hash.update(block);
  const header: Header = {
    writer: WRITER,
    recipe: digest(identity.recipe),
    manifest: digest(identity.manifest),
    height: data.height,
    width: data.width,
    channels: data.channels,
    classes: data.classes,
    counts: { train: data.parts.train.count, test: data.parts.test?.count },
    notes: data.notes,
    payloadBytes: blocks.reduce((n, b) => n + b.length, 0),
    payloadSha256: hash.digest("hex"),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let fd: number | undefined;
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    fd = openSync(temp, "w");
    for (const block of [MAGIC, length, headerBytes, ...blocks]) writeAll(fd, block);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    return undefined;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(temp, { force: true });
    } catch {
      // force ignores only a missing file; where the folder cannot be made (ENOTDIR, EACCES) there is nothing to remove.
    }
    return firstLine(error);
  }
}

interface Header {
  writer: typeof WRITER;
  recipe: string;
  manifest: string;
  height: number;
  width: number;
  channels: number;
  classes?: string[];
  counts: { train: number; test?: number };
  notes: string[];
  payloadBytes: number;
  payloadSha256: string;
}

function writeAll(fd: number, block: Uint8Array): void {
  for (let at = 0; at < block.length; ) at += writeSync(fd, block, at, block.length - at);
}

function digest(value: unknown): string {
  return createHash("sha256")
    .update(value instanceof Uint8Array ? value : JSON.stringify(value))
    .digest("hex");
}
