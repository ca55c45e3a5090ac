import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/data/dataset.js";
import { loadImageFolder } from "../../../src/data/sources/image-folder.js";
import { colourPixels, dataError, greyRgbPixels, imageAt, tempDir, writeImage } from "./image-fixtures.js";

const H = 4;
const W = 3;
const PER = H * W * 3;
const SPEC = { fit: "cover" } as const;

/** Writes colour PNGs named by `files` (relative to root), image k with colourPixels(k); returns each file's pixels. */
async function writeColour(root: string, files: string[], seedOffset = 0): Promise<Map<string, number[]>> {
  const written = new Map<string, number[]>();
  for (const [k, file] of files.entries()) {
    const pixels = colourPixels(H, W, k + seedOffset);
    await writeImage(join(root, file), pixels, H, W, 3);
    written.set(file, Array.from(pixels));
  }
  return written;
}

describe("an ImageFolder layout", () => {
  it("reads <root>/<class>/<file>: classes sorted, labels by class, files in sorted order, PNG bytes exact", async () => {
    const root = tempDir();
    // Written out of order; code-unit order puts "10.png" before "9.png" and "B" before "a".
    const files = ["zebra/b.png", "zebra/a.png", "ant/9.png", "ant/10.png", "Bee/x.png"];
    const written = await writeColour(root, files);
    const folder = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(folder.classes).toEqual(["Bee", "ant", "zebra"]);
    expect(folder.labelled).toBe(true);
    expect([folder.height, folder.width, folder.channels]).toEqual([H, W, 3]);
    const order = ["Bee/x.png", "ant/10.png", "ant/9.png", "zebra/a.png", "zebra/b.png"];
    const train = folder.parts.train;
    expect(train.count).toBe(5);
    expect(folder.parts.test).toBeUndefined();
    expect(Array.from(train.labels)).toEqual([0, 1, 1, 2, 2]);
    order.forEach((file, n) => expect(imageAt(train.images, n, PER)).toEqual(written.get(file)));
  });

  it("takes <root>/train/<class> and <root>/test/<class> as the two parts, in sorted order", async () => {
    const root = tempDir();
    const trainFiles = ["train/cat/1.png", "train/cat/2.png", "train/dog/1.png"];
    const testFiles = ["test/dog/3.png", "test/cat/3.png"];
    const written = new Map([...(await writeColour(root, trainFiles)), ...(await writeColour(root, testFiles, 10))]);
    const data = await loadDataset(root, { seed: 0 });
    expect(data.classes).toEqual(["cat", "dog"]);
    expect(data.labelled).toBe(true);
    expect(data.train.images).toBeInstanceOf(Uint8Array);
    expect(data.train.count).toBe(3);
    expect(data.test.count).toBe(2);
    expect(Array.from(data.train.labels)).toEqual([0, 0, 1]);
    expect(Array.from(data.test.labels)).toEqual([0, 1]);
    trainFiles.forEach((file, n) => expect(imageAt(data.train.images, n, PER)).toEqual(written.get(file)));
    ["test/cat/3.png", "test/dog/3.png"].forEach((file, n) => expect(imageAt(data.test.images, n, PER)).toEqual(written.get(file)));
  });

  it("splits a train-only folder by testFraction, stratified and seeded", async () => {
    const root = tempDir();
    const files = [...Array.from({ length: 6 }, (_, i) => `a/${i}.png`), ...Array.from({ length: 4 }, (_, i) => `b/${i}.png`)];
    const written = await writeColour(root, files);
    const load = (seed: number) => loadDataset(root, { seed, testFraction: 0.5 });
    const first = await load(3);
    const again = await load(3);
    expect(Array.from(again.train.images)).toEqual(Array.from(first.train.images));
    expect(Array.from(again.test.images)).toEqual(Array.from(first.test.images));
    expect(Array.from(again.test.labels)).toEqual(Array.from(first.test.labels));

    // Half of each class held out: 3 of a, 2 of b.
    expect([first.train.count, first.test.count]).toEqual([5, 5]);
    const count = (labels: Uint8Array, label: number) => labels.filter((l) => l === label).length;
    expect([count(first.test.labels, 0), count(first.test.labels, 1)]).toEqual([3, 2]);
    expect([count(first.train.labels, 0), count(first.train.labels, 1)]).toEqual([3, 2]);

    // Every image lands in exactly one part, with its own label.
    const key = (pixels: number[]) => pixels.join(",");
    const labelOf = new Map(files.map((file) => [key(written.get(file)!), file.startsWith("a/") ? 0 : 1]));
    const seen: string[] = [];
    for (const part of [first.train, first.test]) {
      for (let n = 0; n < part.count; n++) {
        const k = key(imageAt(part.images, n, PER));
        expect(labelOf.get(k)).toBe(part.labels[n]);
        seen.push(k);
      }
    }
    expect(new Set(seen).size).toBe(10);

    // Some other seed holds out other images.
    const others = await Promise.all([1, 2, 4, 5].map(load));
    expect(others.some((d) => key(Array.from(d.test.images)) !== key(Array.from(first.test.images)))).toBe(true);
  });

  it("reads a flat folder of images as unlabelled, every label 0", async () => {
    const root = tempDir();
    const files = ["c.png", "a.png", "b.png"];
    const written = await writeColour(root, files);
    const folder = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(folder.labelled).toBe(false);
    expect(folder.classes).toBeUndefined();
    expect(Array.from(folder.parts.train.labels)).toEqual([0, 0, 0]);
    ["a.png", "b.png", "c.png"].forEach((file, n) => expect(imageAt(folder.parts.train.images, n, PER)).toEqual(written.get(file)));

    const data = await loadDataset(root, { seed: 0, testFraction: 1 / 3 });
    expect(data.labelled).toBe(false);
    expect([data.train.count, data.test.count]).toEqual([2, 1]);
    expect(Array.from(data.train.labels)).toEqual([0, 0]);
    expect(Array.from(data.test.labels)).toEqual([0]);
  });

  it("searches class folders to any depth, files before sub-folders", async () => {
    const root = tempDir();
    const files = ["cat/deep/er/x.png", "cat/top.png", "cat/deep/y.png", "dog/a/b/c/d.png"];
    const written = await writeColour(root, files);
    const folder = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(folder.classes).toEqual(["cat", "dog"]);
    expect(Array.from(folder.parts.train.labels)).toEqual([0, 0, 0, 1]);
    ["cat/top.png", "cat/deep/y.png", "cat/deep/er/x.png", "dog/a/b/c/d.png"].forEach((file, n) =>
      expect(imageAt(folder.parts.train.images, n, PER)).toEqual(written.get(file)),
    );
  });

  it("ignores hidden files and folders, and skips non-image files in one log line naming them", async () => {
    const root = tempDir();
    await writeColour(root, ["cat/1.png", "dog/1.png", "cat/.hidden/2.png", ".thumbs/3.png", "dog/.4.png"]);
    writeFileSync(join(root, "cat", ".DS_Store"), "junk");
    writeFileSync(join(root, "dog", "notes.txt"), "not an image");
    const lines: string[] = [];
    const folder = await loadImageFolder(root, { spec: SPEC, onError: "fail", log: (line) => lines.push(line) });
    expect(folder.classes).toEqual(["cat", "dog"]);
    expect(folder.parts.train.count).toBe(2);
    const skips = lines.filter((line) => line.includes("skipped"));
    expect(skips).toHaveLength(1);
    expect(skips[0]).toContain("skipped 1 file that is not an image");
    expect(skips[0]).toContain(join("dog", "notes.txt"));
    expect(lines.join("\n")).not.toMatch(/DS_Store|hidden|thumbs/);
  });

  it("decodes PNG, WebP, GIF and TIFF exactly, and JPEG and AVIF near the bytes written", async () => {
    const root = tempDir();
    // Two colours in flat 2x2 blocks: few enough for a GIF's palette, and JPEG's blocks smear only a little.
    const pixels = new Uint8Array(8 * 8 * 3);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) pixels.set((x >> 1) % 2 === (y >> 1) % 2 ? [200, 40, 10] : [20, 90, 250], 3 * (8 * y + x));
    const formats = ["avif", "gif", "jpg", "png", "tiff", "webp"] as const;
    for (const format of formats) await writeImage(join(root, format, `image.${format}`), pixels, 8, 8, 3, format);
    const folder = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(folder.classes).toEqual([...formats]);
    expect([folder.height, folder.width, folder.channels]).toEqual([8, 8, 3]);
    const images = folder.parts.train.images;
    expect(images).toHaveLength(formats.length * 8 * 8 * 3);
    for (const exact of ["gif", "png", "tiff", "webp"] as const) expect(imageAt(images, formats.indexOf(exact), 192)).toEqual(Array.from(pixels));
    for (const lossy of ["jpg", "avif"] as const) {
      // Lossy: not the bytes written, but near them on average.
      const errors = imageAt(images, formats.indexOf(lossy), 192).map((v, i) => Math.abs(v - pixels[i]));
      expect(Math.max(...errors)).toBeGreaterThan(0);
      expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(12);
    }
  });
});

describe("an image folder's channels and size", () => {
  it("loads an all-grey folder with one channel; one colour image makes it three", async () => {
    const root = tempDir();
    const grey = [greyRgbPixels(H, W, 1), greyRgbPixels(H, W, 2)];
    await writeImage(join(root, "a", "1.png"), grey[0], H, W, 3);
    // One stored as RGB with R = G = B, one as a one-band PNG.
    await writeImage(
      join(root, "b", "1.png"),
      grey[1].filter((_, i) => i % 3 === 0),
      H,
      W,
      1,
    );
    const greyOnly = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(greyOnly.channels).toBe(1);
    expect(greyOnly.parts.train.images).toHaveLength(2 * H * W);
    grey.forEach((g, n) => expect(imageAt(greyOnly.parts.train.images, n, H * W)).toEqual(Array.from(g).filter((_, i) => i % 3 === 0)));

    const colour = colourPixels(H, W, 5);
    await writeImage(join(root, "b", "2.png"), colour, H, W, 3);
    const mixed = await loadImageFolder(root, { spec: SPEC, onError: "fail" });
    expect(mixed.channels).toBe(3);
    expect(imageAt(mixed.parts.train.images, 0, PER)).toEqual(Array.from(grey[0]));
    expect(imageAt(mixed.parts.train.images, 2, PER)).toEqual(Array.from(colour));
  });

  it("converts to data.channels 1 (luminance) and 3 (grey repeated)", async () => {
    const root = tempDir();
    const red = new Uint8Array(H * W * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
    const white = new Uint8Array(H * W * 3).fill(255);
    await writeImage(join(root, "red.png"), red, H, W, 3);
    await writeImage(join(root, "white.png"), white, H, W, 3);
    const one = await loadDataset(root, { seed: 0, testFraction: 0.5, channels: 1 });
    expect(one.channels).toBe(1);
    const values = [...one.train.images, ...one.test.images].sort((a, b) => a - b);
    expect(values).toHaveLength(2 * H * W);
    // Red's luminance is a single value well between black and white; white stays 255.
    const redValue = values[0];
    expect(redValue).toBeGreaterThan(20);
    expect(redValue).toBeLessThan(200);
    expect(new Set(values)).toEqual(new Set([redValue, 255]));

    const greyRoot = tempDir();
    const grey = greyRgbPixels(H, W, 7);
    await writeImage(join(greyRoot, "g.png"), grey, H, W, 3);
    await writeImage(join(greyRoot, "h.png"), grey, H, W, 3);
    const three = await loadDataset(greyRoot, { seed: 0, testFraction: 0.5, channels: 3 });
    expect(three.channels).toBe(3);
    expect(Array.from(three.train.images)).toEqual(Array.from(grey));
  });

  it("refuses images of two sizes without data.size, naming both files", async () => {
    const root = tempDir();
    await writeImage(join(root, "a.png"), colourPixels(H, W, 0), H, W, 3);
    await writeImage(join(root, "b.png"), colourPixels(5, 6, 0), 5, 6, 3);
    const message = await dataError(loadDataset(root, { seed: 0 }), join(root, "a.png"), join(root, "b.png"), "data.size");
    expect(message).toContain("5x6");
    expect(message).toContain(`${H}x${W}`);
  });

  it("resizes to data.size with each fit; cover crops the centre", async () => {
    const root = tempDir();
    // 16 rows by 32 columns: the left half red, the right half blue; a second 16x16 image is all green.
    const wide = new Uint8Array(16 * 32 * 3);
    for (let p = 0; p < 16 * 32; p++) wide.set(p % 32 < 16 ? [255, 0, 0] : [0, 0, 255], 3 * p);
    await writeImage(join(root, "wide.png"), wide, 16, 32, 3);
    await writeImage(
      join(root, "square.png"),
      new Uint8Array(16 * 16 * 3).map((_, i) => (i % 3 === 1 ? 255 : 0)),
      16,
      16,
      3,
    );
    const at = (images: Uint8Array, y: number, x: number) => Array.from(images.subarray(3 * (16 * y + x), 3 * (16 * y + x) + 3));
    const RED = [255, 0, 0];
    const BLUE = [0, 0, 255];
    const BLACK = [0, 0, 0];

    const load = (fit: "cover" | "contain" | "stretch") => loadImageFolder(root, { spec: { size: [16, 16], fit }, onError: "fail" });
    const cover = await load("cover");
    expect([cover.height, cover.width, cover.channels, cover.parts.train.count]).toEqual([16, 16, 3, 2]);
    // Images sorted: square.png, then wide.png. Cover keeps columns 8..23 of the wide one: 8 red, 8 blue.
    const coverWide = cover.parts.train.images.subarray(768);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) expect(at(coverWide, y, x)).toEqual(x < 8 ? RED : BLUE);
    expect(at(cover.parts.train.images, 5, 5)).toEqual([0, 255, 0]);

    // Contain scales to 8 rows by 16 columns and pads 4 black rows above and below.
    const contain = (await load("contain")).parts.train.images.subarray(768);
    for (const y of [0, 3, 12, 15]) expect(at(contain, y, 8)).toEqual(BLACK);
    for (const y of [4, 8, 11]) {
      expect(at(contain, y, 2)).toEqual(RED);
      expect(at(contain, y, 13)).toEqual(BLUE);
    }

    // Stretch halves the width: red on the left, blue on the right, every row.
    const stretch = (await load("stretch")).parts.train.images.subarray(768);
    for (const y of [0, 15]) {
      expect(at(stretch, y, 2)).toEqual(RED);
      expect(at(stretch, y, 13)).toEqual(BLUE);
    }
  });
});

describe("an image folder's bad input", () => {
  async function withTruncated(): Promise<{ root: string; cut: string }> {
    const root = tempDir();
    for (const cls of ["a", "b"]) for (let i = 0; i < 3; i++) await writeImage(join(root, cls, `${i}.png`), colourPixels(8, 8, i), 8, 8, 3);
    const cut = join(root, "b", "1.png");
    const bytes = readFileSync(cut);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    return { root, cut };
  }

  it("refuses a truncated PNG, naming it and data.onError", async () => {
    const { root, cut } = await withTruncated();
    await dataError(loadDataset(root, { seed: 0 }), cut, "data.onError");
  });

  it("leaves a truncated PNG out with onError skip, saying so once", async () => {
    const { root } = await withTruncated();
    const lines: string[] = [];
    const data = await loadDataset(root, { seed: 0, testFraction: 1 / 3, onError: "skip", log: (line) => lines.push(line) });
    expect(data.train.count + data.test.count).toBe(5);
    const all = [...data.train.labels, ...data.test.labels];
    expect(all.filter((l) => l === 0)).toHaveLength(3);
    expect(all.filter((l) => l === 1)).toHaveLength(2);
    const leftOut = lines.filter((line) => line.includes("left out"));
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]).toContain("left out 1 image that did not decode");
    expect(leftOut[0]).toContain(join("b", "1.png"));
  });

  it("refuses an empty folder", async () => {
    const root = tempDir();
    await dataError(loadDataset(root, { seed: 0 }), root, "holds no images");
  });

  it("refuses an empty class folder, naming it", async () => {
    const root = tempDir();
    await writeImage(join(root, "full", "1.png"), colourPixels(H, W, 0), H, W, 3);
    mkdirSync(join(root, "empty"));
    await dataError(loadDataset(root, { seed: 0 }), join(root, "empty"), "empty class folder");
  });

  it("refuses a class folder in test/ that train/ lacks, naming it", async () => {
    const root = tempDir();
    await writeImage(join(root, "train", "cat", "1.png"), colourPixels(H, W, 0), H, W, 3);
    await writeImage(join(root, "test", "cat", "1.png"), colourPixels(H, W, 1), H, W, 3);
    await writeImage(join(root, "test", "cow", "1.png"), colourPixels(H, W, 2), H, W, 3);
    await dataError(loadDataset(root, { seed: 0 }), join(root, "test", "cow"), "does not have", "cat");
  });
});
