import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCache, writeCache, type CachedData, type CacheIdentity } from "../../src/data/cache.js";
import { loadDataset, type LoadOptions } from "../../src/data/dataset.js";
import { colourPixels, tempDir, writeImage } from "./sources/image-fixtures.js";

/** A folder of two classes, three 6x5 colour PNGs each. */
async function folder(): Promise<string> {
  const root = tempDir();
  for (const cls of ["a", "b"])
    for (let i = 0; i < 3; i++) await writeImage(join(root, cls, `${i}.png`), colourPixels(6, 5, i + (cls === "a" ? 0 : 10)), 6, 5, 3);
  return root;
}

/** loadDataset with a log; returns the dataset's pixels (train then test) and the lines said. */
async function load(source: string, options: Omit<LoadOptions, "seed">): Promise<{ pixels: number[]; lines: string[] }> {
  const lines: string[] = [];
  const data = await loadDataset(source, { seed: 0, testFraction: 1 / 3, ...options, log: (line) => lines.push(line) });
  return { pixels: [...data.train.images, ...data.test.images, ...data.train.labels, ...data.test.labels], lines };
}

const decodes = (lines: string[]) => lines.filter((line) => / decoding \d+ images/.test(line)).length;
const cacheFiles = (dir: string) => readdirSync(dir);

/** The only cache entry's path. */
function entry(dir: string): string {
  const files = cacheFiles(dir);
  expect(files).toHaveLength(1);
  return join(dir, files[0]);
}

describe("loadDataset with a cacheDir", () => {
  it("decodes once and reads the cache the second time, pixels identical", async () => {
    const root = await folder();
    const cacheDir = join(tempDir(), "cache");
    const first = await load(root, { cacheDir });
    expect(decodes(first.lines)).toBe(1);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
    const second = await load(root, { cacheDir });
    expect(decodes(second.lines)).toBe(0);
    expect(second.lines.join("\n")).not.toContain("decoding again");
    expect(second.pixels).toEqual(first.pixels);
    const uncached = await load(root, {});
    expect(uncached.pixels).toEqual(first.pixels);
  });

  it("says again on a hit what it said when decoding (a skipped file)", async () => {
    const root = await folder();
    writeFileSync(join(root, "a", "notes.txt"), "x");
    const cacheDir = tempDir();
    const first = await load(root, { cacheDir });
    const second = await load(root, { cacheDir });
    expect(decodes(second.lines)).toBe(0);
    expect(second.lines.filter((line) => line.includes("notes.txt"))).toHaveLength(1);
    expect(first.lines.filter((line) => line.includes("notes.txt"))).toHaveLength(1);
  });

  it.each([
    ["a file's time changes", (root: string) => utimesSync(join(root, "a", "1.png"), new Date(2001, 1, 1), new Date(2001, 1, 1))],
    ["a file is rewritten", (root: string) => writeFileSync(join(root, "b", "2.png"), readFileSync(join(root, "a", "0.png")))],
    ["a file is added", (root: string) => writeFileSync(join(root, "b", "9.png"), readFileSync(join(root, "a", "0.png")))],
    ["a file is removed", (root: string) => rmSync(join(root, "b", "0.png"))],
  ])("decodes again, saying why, when %s", async (_, change) => {
    const root = await folder();
    const cacheDir = tempDir();
    await load(root, { cacheDir });
    change(root);
    const after = await load(root, { cacheDir });
    expect(decodes(after.lines)).toBe(1);
    expect(after.lines.some((line) => line.includes("decoding again: the files changed since the cache was written"))).toBe(true);
    expect(after.pixels).toEqual((await load(root, {})).pixels);
    const third = await load(root, { cacheDir });
    expect(decodes(third.lines)).toBe(0);
  });

  it.each([
    ["cut short", (bytes: Buffer) => bytes.subarray(0, bytes.length - 7)],
    [
      "with one payload byte flipped",
      (bytes: Buffer) => {
        const copy = Buffer.from(bytes);
        copy[copy.length - 40] ^= 0x01;
        return copy;
      },
    ],
  ])("rebuilds a cache %s and never reads it", async (_, damage) => {
    const root = await folder();
    const cacheDir = tempDir();
    const first = await load(root, { cacheDir });
    const path = entry(cacheDir);
    writeFileSync(path, damage(readFileSync(path)));
    const after = await load(root, { cacheDir });
    expect(after.lines.some((line) => line.includes("decoding again: the cache is incomplete or damaged"))).toBe(true);
    expect(after.pixels).toEqual(first.pixels);
    // Rebuilt whole: the next load is a hit.
    expect(decodes((await load(root, { cacheDir })).lines)).toBe(0);
  });

  it("rebuilds a cache written by another version", async () => {
    const root = await folder();
    const cacheDir = tempDir();
    const first = await load(root, { cacheDir });
    const path = entry(cacheDir);
    const bytes = readFileSync(path);
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString("utf8"));
    header.writer.aelab = "0.0.0-another";
    const edited = Buffer.from(JSON.stringify(header), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(edited.length);
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 8), length, edited, bytes.subarray(12 + headerLength)]));
    const after = await load(root, { cacheDir });
    expect(after.lines.some((line) => line.includes("the cache was written by another version") && line.includes("0.0.0-another"))).toBe(true);
    expect(after.pixels).toEqual(first.pixels);
    expect(readFileSync(path).toString("latin1")).not.toContain("0.0.0-another");
  });

  it("survives two loads of the same folder at once, leaving one whole entry and no temporary files", async () => {
    const root = await folder();
    const cacheDir = tempDir();
    const [a, b] = await Promise.all([load(root, { cacheDir }), load(root, { cacheDir })]);
    expect(b.pixels).toEqual(a.pixels);
    const files = cacheFiles(cacheDir);
    expect(files).toHaveLength(1);
    expect(files.filter((f) => f.includes(".tmp-"))).toEqual([]);
    const after = await load(root, { cacheDir });
    expect(decodes(after.lines)).toBe(0);
    expect(after.pixels).toEqual(a.pixels);
  });

  it("loads anyway, saying not cached, where the cache cannot be written", async () => {
    const root = await folder();
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "not a folder");
    const cacheDir = join(file, "cache");
    const first = await load(root, { cacheDir });
    expect(first.lines.filter((line) => line.includes("not cached"))).toHaveLength(1);
    expect(first.pixels).toEqual((await load(root, {})).pixels);
    const second = await load(root, { cacheDir });
    expect(decodes(second.lines)).toBe(1);
  });

  it("resizes a stored source (synth) once, to 16x16x1 bytes, and reads it back from the cache", async () => {
    const cacheDir = tempDir();
    let progressCalls = 0;
    const options = { size: 16, channels: 1, seed: 1, cacheDir, progress: () => progressCalls++ } as const;
    const first = await loadDataset("synth", options);
    expect([first.height, first.width, first.channels]).toEqual([16, 16, 1]);
    expect(first.train.images).toBeInstanceOf(Uint8Array);
    expect(first.train.images).toHaveLength(first.train.count * 256);
    expect(first.test.images).toHaveLength(first.test.count * 256);
    expect(progressCalls).toBe(first.train.count + first.test.count);
    expect(cacheFiles(cacheDir)).toEqual([expect.stringMatching(/^synth-resized-[0-9a-f]{16}\.bin$/)]);
    // Not a blank image: the shapes survive the resize.
    expect(new Set(first.train.images.subarray(0, 256 * 10)).size).toBeGreaterThan(2);

    progressCalls = 0;
    const second = await loadDataset("synth", options);
    expect(progressCalls).toBe(0);
    expect(Buffer.from(second.train.images).equals(Buffer.from(first.train.images))).toBe(true);
    expect(Buffer.from(second.test.images).equals(Buffer.from(first.test.images))).toBe(true);
    expect(Array.from(second.train.labels)).toEqual(Array.from(first.train.labels));
  });
});

describe("readCache and writeCache", () => {
  const identity: CacheIdentity = { recipe: { kind: "test", size: [2, 2] }, manifest: [["a.png", 10, 1]] };
  const data: CachedData = {
    height: 2,
    width: 2,
    channels: 1,
    classes: ["x", "y"],
    parts: {
      train: { images: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), labels: Uint8Array.from([0, 1]), count: 2 },
      test: { images: Uint8Array.from([9, 10, 11, 12]), labels: Uint8Array.from([1]), count: 1 },
    },
    notes: ["a note"],
  };

  it("reads back what it wrote, and says why an entry does not match", () => {
    const path = join(tempDir(), "deep", "er", "entry.bin");
    expect(readCache(path, identity)).toEqual({ stale: "no cache yet" });
    expect(writeCache(path, identity, data)).toBeUndefined();
    const read = readCache(path, identity);
    expect("data" in read && read.data).toEqual(data);
    expect(readCache(path, { ...identity, recipe: { kind: "test", size: [3, 3] } })).toEqual({ stale: "the cache is for another source or transform" });
    expect(readCache(path, { ...identity, manifest: [["a.png", 10, 2]] })).toEqual({ stale: "the files changed since the cache was written" });
    writeFileSync(path, "something else entirely");
    expect(readCache(path, identity)).toEqual({ stale: "the cache is not an aelab data cache" });
  });

  it("reports every truncation as stale, never as data", () => {
    const path = join(tempDir(), "entry.bin");
    writeCache(path, identity, data);
    const whole = readFileSync(path);
    for (let length = 0; length < whole.length; length++) {
      writeFileSync(path, whole.subarray(0, length));
      expect(readCache(path, identity)).toHaveProperty("stale");
    }
  });

  it("reports one flipped payload byte as damaged", () => {
    const path = join(tempDir(), "entry.bin");
    writeCache(path, identity, data);
    const whole = readFileSync(path);
    for (let at = whole.length - 15; at < whole.length; at++) {
      const copy = Buffer.from(whole);
      copy[at] ^= 0x80;
      writeFileSync(path, copy);
      expect(readCache(path, identity)).toEqual({ stale: "the cache is incomplete or damaged" });
    }
  });
});
