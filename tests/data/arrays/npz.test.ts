import { readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseNpz } from "../../../src/data/arrays/npz.js";
import { expectDataError } from "../../helpers/data-error.js";

// Written once by NumPy 2.4: np.savez (split.npz) and np.savez_compressed (split-compressed.npz) of the
// same four arrays, whose arange-based contents the tests recompute.
const DIR = "tests/fixtures/arrays";
const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("parseNpz", () => {
  it.each([
    ["split.npz", 0],
    ["split-compressed.npz", 8],
  ])("reads the four arrays of %s, keyed without .npy", (name, method) => {
    const bytes = fixture(name);
    // The zip's first local header names its compression method: 0 stored, 8 deflate.
    expect(bytes[8]).toBe(method);
    const arrays = parseNpz(bytes, name);
    expect([...arrays.keys()].sort()).toEqual(["x_test", "x_train", "y_test", "y_train"]);
    const xTrain = arrays.get("x_train")!;
    expect([xTrain.descr, xTrain.shape, Array.from(xTrain.data)]).toEqual(["|u1", [4, 3, 3], range(36, (i) => (i * 11) % 256)]);
    const xTest = arrays.get("x_test")!;
    expect([xTest.descr, xTest.shape, Array.from(xTest.data)]).toEqual(["|u1", [2, 3, 3], range(18, (i) => (i * 13) % 256)]);
    const yTrain = arrays.get("y_train")!;
    expect([yTrain.descr, yTrain.shape, yTrain.data]).toEqual(["<i8", [4], new Float64Array([3, 1, 0, 2])]);
    expect(Array.from(arrays.get("y_test")!.data)).toEqual([1, 2]);
  });

  it("reads an empty archive as no arrays", () => {
    expect(parseNpz(zipSync({}), "empty.npz").size).toBe(0);
  });
});

describe("parseNpz refusals", () => {
  it.each(["split.npz", "split-compressed.npz"])("refuses every truncation of %s as a corrupt zip, naming the file", (name) => {
    const bytes = fixture(name);
    for (let length = 0; length < bytes.length; length++) {
      expectDataError(
        () => parseNpz(bytes.subarray(0, length), name),
        `${name}: not a readable .npz file: corrupt zip (`,
        "expected a zip written by np.savez",
      );
    }
  });

  it("refuses a .npy file given as .npz", () => {
    expectDataError(() => parseNpz(fixture("u8-nhw.npy"), "data.npz"), "data.npz: not a readable .npz file: corrupt zip (invalid zip data)");
  });

  it("refuses damaged deflate data, naming the file", () => {
    const bytes = fixture("split-compressed.npz").slice();
    // Past the first local header (30 bytes, the member's name and NumPy's zip64 extra field): its deflate stream.
    const start = 30 + (bytes[26]! | (bytes[27]! << 8)) + (bytes[28]! | (bytes[29]! << 8));
    bytes.fill(0xff, start, start + 16);
    expectDataError(() => parseNpz(bytes, "damaged.npz"), /^damaged\.npz/);
  });

  it("refuses a member that is not a valid .npy, naming the file and the member", () => {
    const bytes = zipSync({ "x_train.npy": new TextEncoder().encode("not numpy at all") });
    expectDataError(() => parseNpz(bytes, "data.npz"), "data.npz (member x_train.npy): not a .npy file: expected the magic bytes");
  });

  it("refuses a member that is a truncated .npy, naming the member", () => {
    const npy = fixture("f32.npy");
    const bytes = zipSync({ "x.npy": npy.subarray(0, npy.length - 4) });
    expectDataError(() => parseNpz(bytes, "data.npz"), "data.npz (member x.npy): truncated .npy file: shape (2, 3, 4) of <f4 needs 96 bytes of data, got 92");
  });

  it("refuses a member whose name is not .npy", () => {
    const bytes = zipSync({ "notes.txt": new Uint8Array([1, 2, 3]) });
    expectDataError(() => parseNpz(bytes, "data.npz"), "data.npz: member notes.txt is not a .npy file; expected only .npy members, as np.savez writes");
  });
});
