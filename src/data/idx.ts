import { readFileSync } from "node:fs";
import { constants as bufferConstants } from "node:buffer";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { DataError } from "./errors.js";

// IDX (LeCun's MNIST format): a big-endian magic 0x0000TTDD (TT = element type, 0x08 = ubyte;
// DD = number of dimensions), one u32 per dimension, then the elements.
const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const UBYTE = 0x08;
const { MAX_LENGTH } = bufferConstants;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  /** count*height*width pixels, row-major, 0..255. */
  data: Uint8Array;
}

export interface IdxLabels {
  count: number;
  data: Uint8Array;
}

/** Reads an IDX image file (magic 0x00000803), gzipped or not. */
export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(readMaybeGzipped(path), path);
}

/** Reads an IDX label file (magic 0x00000801), gzipped or not. */
export function readIdxLabels(path: string): IdxLabels {
  return parseIdxLabels(readMaybeGzipped(path), path);
}

/** Parses the bytes of an uncompressed IDX image file; `path` is only used in error messages. */
export function parseIdxImages(bytes: Uint8Array, path: string): IdxImages {
  const [count, height, width] = parseHeader(bytes, path, IMAGES_MAGIC, 3, "images");
  const data = body(bytes, path, 16, count * height * width, `${count} images of ${height}x${width} pixels`);
  return { count, height, width, data };
}

/** Parses the bytes of an uncompressed IDX label file; `path` is only used in error messages. */
export function parseIdxLabels(bytes: Uint8Array, path: string): IdxLabels {
  const [count] = parseHeader(bytes, path, LABELS_MAGIC, 1, "labels");
  const data = body(bytes, path, 8, count, `${count} labels`);
  return { count, data };
}

/**
 * Gzip is recognised by its magic bytes (1f 8b), not by the file name: people gunzip files and keep
 * the name, or the other way round, and either should just work.
 */
function readMaybeGzipped(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataError(`${path}: file not found`);
    if (code === "EACCES" || code === "EPERM") throw new DataError(`${path}: permission denied (${code}); make it readable (chmod u+r) or run as its owner`);
    throw new DataError(`${path}: cannot read (${code ?? (e as Error).message})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    const promised = promisedBytes(raw);
    if (promised !== undefined && promised > MAX_LENGTH) {
      throw new DataError(`${path}: the header promises ${promised} bytes of data, more than one file can hold in memory (${MAX_LENGTH}); is it an IDX file?`);
    }
    try {
      // Never more than the header promises (plus one byte, to notice more): a small gzip can inflate a
      // thousandfold, and a damaged or hostile one must not take the machine's memory with it.
      return gunzipSync(raw, promised === undefined ? {} : { maxOutputLength: promised + 1 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw new DataError(`${path}: decompresses to more than the ${promised} bytes its header promises; download the file again`);
      }
      throw new DataError(`${path}: corrupt gzip (${(e as Error).message}); download the file again`);
    }
  }
  return raw;
}

/**
 * The size of the whole IDX file whose gzip is `raw`, as its header declares it, read by inflating only
 * the first bytes; undefined if they do not hold an IDX ubyte header (then the parser says what is wrong).
 */
function promisedBytes(raw: Buffer): number | undefined {
  let head: Buffer;
  try {
    head = gunzipSync(raw.subarray(0, 4096), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[2] !== UBYTE) return undefined;
  const dims = head[3]!;
  if (head.length < 4 + 4 * dims) return undefined;
  let elements = 1;
  for (let i = 0; i < dims; i++) elements *= head.readUInt32BE(4 + 4 * i);
  return 4 + 4 * dims + elements;
}

function parseHeader(bytes: Uint8Array, path: string, expectedMagic: number, dims: number, what: string): number[] {
  const headerBytes = 4 + 4 * dims;
  const truncated = () => new DataError(`${path}: truncated file: an IDX ${what} header needs ${headerBytes} bytes, got ${bytes.length}`);
  if (bytes.length < 4) throw truncated();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  // The magic first: a labels file given as images is shorter than an images header, and "wrong
  // file" is the useful diagnosis there, not "truncated".
  if (magic !== expectedMagic) {
    throw new DataError(`${path}: not an IDX ${what} file: expected magic number ${hex(expectedMagic)}, got ${hex(magic)}${gzipHint(path)}`);
  }
  if (bytes.length < headerBytes) throw truncated();
  const sizes: number[] = [];
  for (let i = 0; i < dims; i++) sizes.push(view.getUint32(4 + 4 * i, false));
  return sizes;
}

function body(bytes: Uint8Array, path: string, offset: number, expected: number, what: string): Uint8Array {
  const got = bytes.length - offset;
  if (got < expected) {
    throw new DataError(`${path}: truncated file: the header promises ${what}, i.e. ${expected} bytes of data, got ${got}`);
  }
  // Trailing bytes mean the header and the data disagree, i.e. the file is not what it claims to be.
  if (got > expected) {
    throw new DataError(`${path}: the header promises ${what}, i.e. ${expected} bytes of data, but the file holds ${got}`);
  }
  // A plain Uint8Array view (not a Buffer), so callers and tests see one type.
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, expected);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function gzipHint(path: string): string {
  return path.endsWith(".gz") ? " (the name ends in .gz but the content is not gzip either)" : "";
}
