import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNpy } from "../../../src/data/arrays/npy.js";
import { expectDataError } from "../../helpers/data-error.js";

// The fixtures were written once by NumPy 2.4 (np.save, np.lib.format.write_array); their contents are
// arange-based, so each test recomputes every value rather than trusting the reader under test.
const DIR = "tests/fixtures/arrays";
const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const parse = (name: string) => parseNpy(fixture(name), name);
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** A version 1.0 .npy file written by hand, for headers NumPy itself would never write. */
function npyBytes(header: string, data: Uint8Array = new Uint8Array(), major = 1): Uint8Array {
  const padded = `${header}${" ".repeat(63 - ((10 + header.length) % 64))}\n`;
  const prefix = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, padded.length & 0xff, padded.length >> 8]);
  return new Uint8Array(Buffer.concat([prefix, Buffer.from(padded, "latin1"), data]));
}

describe("parseNpy on files NumPy wrote", () => {
  it("reads uint8 N×H×W and N×H×W×3 images as bytes in C order", () => {
    const gray = parse("u8-nhw.npy");
    expect(gray.descr).toBe("|u1");
    expect(gray.shape).toEqual([3, 4, 5]);
    expect(gray.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(gray.data)).toEqual(range(60, (i) => (i * 7) % 256));

    const rgb = parse("u8-nhwc.npy");
    expect(rgb.shape).toEqual([2, 3, 4, 3]);
    expect(Array.from(rgb.data)).toEqual(range(72, (i) => (i * 5) % 256));
  });

  it("reads float32 and float64 exactly, signed zero, infinities and subnormals included", () => {
    const f32 = parse("f32.npy");
    expect([f32.descr, f32.shape]).toEqual(["<f4", [2, 3, 4]]);
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.data)).toEqual(range(24, (i) => Math.fround((i - 12) / 10)));

    const f64 = parse("f64.npy");
    expect([f64.descr, f64.shape]).toEqual(["<f8", [2, 6]]);
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.data)).toEqual([...range(6, (i) => i / 3), 0.1, -0, Infinity, -Infinity, 1e-310, 1.7976931348623157e308]);
    expect(Object.is(f64.data[7], -0)).toBe(true);
  });

  it("reads int64 labels, down to -(2^53 - 1) and up to 2^53 - 1, as float64", () => {
    const labels = parse("i64-labels.npy");
    expect([labels.descr, labels.shape]).toEqual(["<i8", [8]]);
    expect(labels.data).toBeInstanceOf(Float64Array);
    expect(Array.from(labels.data)).toEqual([0, 1, 2, 3, 9, -1, -(2 ** 53 - 1), 2 ** 53 - 1]);
    expect(Array.from(parse("u64.npy").data)).toEqual([0, 1, 2 ** 53 - 1]);
  });

  it.each([
    ["i1", "|i1", -128, 127],
    ["i2", "<i2", -32768, 32767],
    ["u2", "<u2", 0, 65535],
    ["i4", "<i4", -(2 ** 31), 2 ** 31 - 1],
    ["u4", "<u4", 0, 2 ** 32 - 1],
  ])("reads %s (%s) from its minimum to its maximum as float64", (name, descr, min, max) => {
    const array = parse(`${name}.npy`);
    expect([array.descr, array.shape]).toEqual([descr, [5]]);
    expect(array.data).toBeInstanceOf(Float64Array);
    expect(Array.from(array.data)).toEqual([min, min < 0 ? -1 : 1, 0, 7, max]);
  });

  it("reads bool as bytes 0 and 1", () => {
    const flags = parse("bool.npy");
    expect([flags.descr, flags.shape]).toEqual(["|b1", [2, 3]]);
    expect(flags.data).toEqual(new Uint8Array([1, 0, 1, 0, 0, 1]));
  });

  it("reads a 0-d array (shape ()) as one element and an empty array as none", () => {
    const scalar = parse("scalar.npy");
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
    const empty = parse("empty.npy");
    expect([empty.shape, empty.data.length]).toEqual([[0, 3], 0]);
  });

  it.each(["v2.npy", "v3.npy"])("reads a version %s header", (name) => {
    const bytes = fixture(name);
    expect(bytes[6]).toBe(Number(name[1]));
    const array = parseNpy(bytes, name);
    expect([array.descr, array.shape]).toEqual(["|u1", [3, 4]]);
    expect(Array.from(array.data)).toEqual(range(12, (i) => i));
  });

  it("reads data that does not start at a multiple of its element size", () => {
    for (const name of ["f32.npy", "f64.npy", "i64-labels.npy", "u4.npy"]) {
      const bytes = fixture(name);
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      expect(Array.from(parseNpy(shifted.subarray(1), name).data)).toEqual(Array.from(parse(name).data));
    }
  });
});

describe("parseNpy refusals", () => {
  it("refuses a file that is not .npy, naming it", () => {
    expectDataError(() => parseNpy(fixture("split.npz"), "data/mnist.npy"), /^data\/mnist\.npy: not a \.npy file: expected the magic bytes \\x93NUMPY/);
  });

  it("refuses every truncation of a valid file as truncated", () => {
    const bytes = fixture("f32.npy");
    for (let length = 0; length < bytes.length; length++) {
      expectDataError(() => parseNpy(bytes.subarray(0, length), "f32.npy"), /^f32\.npy: truncated \.npy file: /);
    }
    expectDataError(() => parseNpy(bytes.subarray(0, bytes.length - 1), "f32.npy"), "shape (2, 3, 4) of <f4 needs 96 bytes of data, got 95");
  });

  it("refuses bytes after the data", () => {
    const bytes = fixture("u8-nhw.npy");
    const longer = new Uint8Array([...bytes, 0]);
    expectDataError(() => parseNpy(longer, "x.npy"), "x.npy: shape (3, 4, 5) of |u1 needs 60 bytes of data, but the file holds 61");
  });

  it("refuses a Fortran-order array, saying how to save it in C order", () => {
    expectDataError(
      () => parse("fortran.npy"),
      "fortran.npy: the array is in Fortran (column-major) order; expected C order: save it with np.ascontiguousarray(a)",
    );
  });

  it("refuses a big-endian array, saying which dtype to convert to", () => {
    expectDataError(() => parse("big-endian.npy"), 'big-endian.npy: dtype >f4 is big-endian; expected little-endian: convert with a.astype("<f4")');
  });

  it.each([
    ["complex.npy", "<c8"],
    ["object.npy", "|O"],
    ["unicode.npy", "<U5"],
  ])("refuses %s (dtype %s), listing the dtypes it reads", (name, descr) => {
    expectDataError(() => parse(name), `${name}: dtype ${descr} is not supported; expected one of |u1 |b1 <f4 <f8 |i1 <i2 <u2 <i4 <u4 <i8 <u8`);
  });

  it("refuses a structured dtype", () => {
    expectDataError(() => parse("structured.npy"), "structured.npy: structured dtypes (records with named fields) are not supported");
  });

  it("refuses 64-bit integers that a float64 cannot hold exactly, naming the element and its value", () => {
    expectDataError(() => parse("i64-big.npy"), "i64-big.npy: element 2 is 9007199254740993, which a float64 cannot hold exactly");
    expectDataError(() => parse("u64-big.npy"), "u64-big.npy: element 1 is 18446744073709551615, which a float64 cannot hold exactly");
  });

  it("refuses an unknown format version", () => {
    const bytes = fixture("u8-nhw.npy").slice();
    bytes[6] = 4;
    expectDataError(() => parseNpy(bytes, "v4.npy"), "v4.npy: .npy format version 4.0 is not supported; expected 1.0, 2.0 or 3.0");
  });

  it.each([
    ["not a dict", "('<f4', False, (2,))", "expected a dict"],
    ["a key missing", "{'descr': '<f4', 'shape': (2,), }", "no 'fortran_order'"],
    ["a negative size", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "'shape' must be a tuple of sizes"],
    ["a string for fortran_order", "{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,), }", "'fortran_order' must be True or False"],
    ["an unterminated string", "{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", "malformed .npy header"],
    ["an unclosed dict", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", 'malformed .npy header (expected "," or "}"'],
    ["text after the dict", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", 'malformed .npy header (unexpected "x"'],
  ])("refuses a malformed header: %s", (_, header, problem) => {
    expectDataError(() => parseNpy(npyBytes(header, new Uint8Array(8)), "bad.npy"), /^bad\.npy: malformed \.npy header/, problem);
  });

  it("reads what Python 2's NumPy wrote: double quotes and long integers", () => {
    const array = parseNpy(npyBytes(`{"descr": "|u1", "fortran_order": False, "shape": (2L, 1L)}`, new Uint8Array([4, 5])), "old.npy");
    expect([array.shape, Array.from(array.data)]).toEqual([
      [2, 1],
      [4, 5],
    ]);
  });
});
