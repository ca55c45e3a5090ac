import { DataError } from "../errors.js";

/** One array from a .npy file: its NumPy dtype string, its shape, and its elements in C (row-major) order. */
export interface NdArray {
  descr: string;
  shape: number[];
  /** `|u1` and `|b1` as bytes, `<f4` as Float32Array, `<f8` and every integer dtype as Float64Array. */
  data: Uint8Array | Float32Array | Float64Array;
}

// The format: magic "\x93NUMPY", major and minor version bytes, the header's length (u16 in 1.0,
// u32 in 2.0 and 3.0, little-endian), then the header, a Python dict literal, padded with spaces to
// a multiple of 64 bytes and ended by "\n". See numpy/lib/format.py.
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

type Kind = "bytes" | "f4" | "f8" | "int";
const DTYPES: Record<string, { size: number; kind: Kind }> = {
  "|u1": { size: 1, kind: "bytes" },
  "|b1": { size: 1, kind: "bytes" },
  "<f4": { size: 4, kind: "f4" },
  "<f8": { size: 8, kind: "f8" },
  "|i1": { size: 1, kind: "int" },
  "<i2": { size: 2, kind: "int" },
  "<u2": { size: 2, kind: "int" },
  "<i4": { size: 4, kind: "int" },
  "<u4": { size: 4, kind: "int" },
  "<i8": { size: 8, kind: "int" },
  "<u8": { size: 8, kind: "int" },
};
const SUPPORTED = Object.keys(DTYPES).join(" ");

/** Parses the bytes of a .npy file (format versions 1.0, 2.0 and 3.0); `origin` names it in error messages. */
export function parseNpy(bytes: Uint8Array, origin: string): NdArray {
  if (MAGIC.some((b, i) => i < bytes.length && bytes[i] !== b)) {
    throw new DataError(`${origin}: not a .npy file: expected the magic bytes \\x93NUMPY at the start`);
  }
  if (bytes.length < 10) throw new DataError(`${origin}: truncated .npy file: the magic and version need 10 bytes, got ${bytes.length}`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(`${origin}: .npy format version ${major}.${bytes[7]} is not supported; expected 1.0, 2.0 or 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw new DataError(`${origin}: truncated .npy file: the header's length needs ${8 + lengthBytes} bytes, got ${bytes.length}`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (bytes.length < start) throw new DataError(`${origin}: truncated .npy file: the header needs ${start} bytes, got ${bytes.length}`);
  // 3.0 differs from 2.0 only here: its header may hold UTF-8 (field names of structured dtypes).
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lengthBytes, start));
  const { descr, shape } = readHeader(text, origin);

  const dtype = DTYPES[descr];
  if (!dtype) throw unsupported(descr, origin);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * dtype.size;
  const got = bytes.length - start;
  if (got < expected) {
    throw new DataError(`${origin}: truncated .npy file: shape (${shape.join(", ")}) of ${descr} needs ${expected} bytes of data, got ${got}`);
  }
  if (got > expected) {
    throw new DataError(`${origin}: shape (${shape.join(", ")}) of ${descr} needs ${expected} bytes of data, but the file holds ${got}`);
  }
  const body = bytes.subarray(start);
  return { descr, shape, data: elements(body, descr, dtype.kind, count, origin) };
}

function unsupported(descr: string, origin: string): DataError {
  const little = `<${descr.slice(1)}`;
  if (descr.startsWith(">") && DTYPES[little]) {
    return new DataError(`${origin}: dtype ${descr} is big-endian; expected little-endian: convert with a.astype("${little}")`);
  }
  return new DataError(`${origin}: dtype ${descr} is not supported; expected one of ${SUPPORTED} (convert with a.astype, e.g. to "<f4")`);
}

function elements(body: Uint8Array, descr: string, kind: Kind, count: number, origin: string): NdArray["data"] {
  if (kind === "bytes") return new Uint8Array(body.buffer, body.byteOffset, count);
  if (kind === "int") return integers(body, descr, count, origin);
  const size = kind === "f4" ? 4 : 8;
  // A typed array must start at a multiple of its element size. NumPy pads the header so the data is
  // aligned within the file, but the bytes may sit anywhere in their buffer (a slice, a zip member).
  const at = body.byteOffset % size === 0 ? body : body.slice();
  // Typed arrays read in the host's byte order; aelab assumes a little-endian host, as wasm (and so tfjs's wasm backend) does.
  return kind === "f4" ? new Float32Array(at.buffer, at.byteOffset, count) : new Float64Array(at.buffer, at.byteOffset, count);
}

function integers(body: Uint8Array, descr: string, count: number, origin: string): Float64Array {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out = new Float64Array(count);
  const read: (i: number) => number = {
    "|i1": (i: number) => view.getInt8(i),
    "<i2": (i: number) => view.getInt16(2 * i, true),
    "<u2": (i: number) => view.getUint16(2 * i, true),
    "<i4": (i: number) => view.getInt32(4 * i, true),
    "<u4": (i: number) => view.getUint32(4 * i, true),
    // High word times 2^32 is exact, and the sum is exact whenever the true value is a safe integer;
    // beyond that it rounds to a value that is not, so isSafeInteger below tells the two apart.
    "<i8": (i: number) => view.getInt32(8 * i + 4, true) * 2 ** 32 + view.getUint32(8 * i, true),
    "<u8": (i: number) => view.getUint32(8 * i + 4, true) * 2 ** 32 + view.getUint32(8 * i, true),
  }[descr]!;
  for (let i = 0; i < count; i++) {
    const value = read(i);
    if (!Number.isSafeInteger(value)) {
      const exact = descr === "<i8" ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
      throw new DataError(`${origin}: element ${i} is ${exact}, which a float64 cannot hold exactly; expected integers within ±(2^53 - 1)`);
    }
    out[i] = value;
  }
  return out;
}

/** Reads 'descr', 'fortran_order' and 'shape' from the header dict, refusing anything else NumPy would not write. */
function readHeader(text: string, origin: string): { descr: string; shape: number[] } {
  const malformed = (why: string) => new DataError(`${origin}: malformed .npy header (${why}): ${JSON.stringify(text.trim().slice(0, 120))}`);
  let dict: unknown;
  try {
    dict = new LiteralParser(text).whole();
  } catch (e) {
    if (e instanceof SyntaxError) throw malformed(e.message);
    throw e;
  }
  if (!(dict instanceof Map)) throw malformed("expected a dict");
  for (const key of ["descr", "fortran_order", "shape"]) if (!dict.has(key)) throw malformed(`no '${key}'`);
  const descr = dict.get("descr");
  const fortran = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof fortran !== "boolean") throw malformed("'fortran_order' must be True or False");
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw malformed("'shape' must be a tuple of sizes");
  if (typeof descr !== "string") {
    throw new DataError(`${origin}: structured dtypes (records with named fields) are not supported; save each field as its own array`);
  }
  // With at most one axis longer than 1, Fortran and C order lay out the same bytes.
  if (fortran && shape.filter((n: number) => n > 1).length > 1) {
    throw new DataError(`${origin}: the array is in Fortran (column-major) order; expected C order: save it with np.ascontiguousarray(a)`);
  }
  if (!Number.isSafeInteger(shape.reduce((a: number, b: number) => a * b, 1) * 8)) throw malformed("'shape' holds more elements than any file can");
  return { descr, shape: shape as number[] };
}

/** Python literals as np.save writes them: dicts, tuples, lists, strings, integers, True, False, None. */
class LiteralParser {
  private at = 0;

  constructor(private readonly text: string) {}

  whole(): unknown {
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text[this.at])}`);
    return value;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === "{") return this.dict();
    if (c === "(") return this.sequence(")");
    if (c === "[") return this.sequence("]");
    if (c === "'" || c === '"') return this.string(c);
    const word = /^(True|False|None|-?\d+)L?/.exec(this.text.slice(this.at));
    if (!word) this.fail(c === undefined ? "unexpected end" : `unexpected ${JSON.stringify(c)}`);
    this.at += word[0].length;
    return word[1] === "True" ? true : word[1] === "False" ? false : word[1] === "None" ? null : Number(word[1]);
  }

  private dict(): Map<unknown, unknown> {
    const map = new Map<unknown, unknown>();
    this.items("}", () => {
      const key = this.value();
      this.expect(":");
      map.set(key, this.value());
    });
    return map;
  }

  private sequence(close: string): unknown[] {
    const list: unknown[] = [];
    this.items(close, () => list.push(this.value()));
    return list;
  }

  /** Comma-separated items up to `close`; a trailing comma is allowed, as Python allows it. */
  private items(close: string, item: () => void): void {
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) break;
      item();
      this.space();
      if (this.text[this.at] === ",") this.at++;
      else if (this.text[this.at] !== close) this.fail(`expected "," or "${close}"`);
    }
    this.at++;
  }

  private string(quote: string): string {
    const end = this.text.indexOf(quote, this.at + 1);
    if (end < 0) this.fail("unterminated string");
    const s = this.text.slice(this.at + 1, end);
    if (s.includes("\\")) this.fail("escapes in strings are not supported");
    this.at = end + 1;
    return s;
  }

  private expect(c: string): void {
    this.space();
    if (this.text[this.at] !== c) this.fail(`expected "${c}"`);
    this.at++;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  private fail(why: string): never {
    throw new SyntaxError(`${why} at character ${this.at}`);
  }
}
