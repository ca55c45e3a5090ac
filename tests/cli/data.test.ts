import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { writeSynthShapes } from "../../src/cli/data.js";
import { DataError } from "../../src/data/errors.js";
import { synthShapes } from "../../src/data/synth-shapes.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "aelab-data-cli-"));

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

/** Every file under `dir`, relative to it, sorted. */
function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Where synthShapes' image i of a split lands: <split>/<class>/<i, five digits>.png. */
function expectedFiles(split: string, set: ReturnType<typeof synthShapes>): string[] {
  return Array.from(set.labels, (label, i) => join(split, set.classes[label]!, `${String(i).padStart(5, "0")}.png`));
}

describe("aelab data synth", () => {
  it("writes train and test as ImageFolder PNGs holding exactly synthShapes' pixels", async () => {
    const out = join(tempDir(), "shapes");
    const run = aelab("data", "synth", out, "--count", "8", "--test-count", "4", "--seed", "3", "--size", "16");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `wrote 8 train and 4 test images (16x16 RGB PNG; circle, square, triangle, ring) to ${join(out, "train")} and ${join(out, "test")}\n`,
    );

    // As data.source: synth draws them (src/data/sources/synth.ts): train from seed 2s, test from 2s + 1.
    const train = synthShapes(8, 6, 16);
    const test = synthShapes(4, 7, 16);
    expect(files(out)).toEqual([...expectedFiles("train", train), ...expectedFiles("test", test)].sort());
    expect(readdirSync(join(out, "train")).sort()).toEqual(["circle", "ring", "square", "triangle"]);

    for (const [split, set, i] of [
      ["train", train, 5],
      ["test", test, 2],
    ] as const) {
      const { data, info } = await sharp(join(out, split, set.classes[set.labels[i]!]!, `0000${i}.png`))
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([16, 16, 3]);
      expect(Buffer.compare(data, Buffer.from(set.images.subarray(i * 16 * 16 * 3, (i + 1) * 16 * 16 * 3)))).toBe(0);
    }
  });

  it("refuses a folder that is not empty in one line, writing nothing", () => {
    const out = tempDir();
    writeFileSync(join(out, "notes.txt"), "mine");
    const run = aelab("data", "synth", out, "--count", "4", "--test-count", "0");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`aelab: ${out} already exists and is not empty; name a new folder, or empty this one`);
    expect(files(out)).toEqual(["notes.txt"]);
  });

  it("writes into an empty folder, and no test folder for --test-count 0", async () => {
    const out = tempDir();
    mkdirSync(join(out, "shapes"));
    const line = await writeSynthShapes({ out: join(out, "shapes"), count: 4, testCount: 0, seed: 0, size: 16 });
    expect(line).toBe(`wrote 4 train and 0 test images (16x16 RGB PNG; circle, square, triangle, ring) to ${join(out, "shapes", "train")}`);
    expect(readdirSync(join(out, "shapes"))).toEqual(["train"]);
    expect(files(join(out, "shapes"))).toHaveLength(4);
  });

  it.each([
    [{ count: 3 }, "--count must be a whole number >= 4 (got 3)"],
    [{ testCount: -1 }, "--test-count must be a whole number >= 0 (got -1)"],
    [{ seed: -2 }, "--seed must be a whole number >= 0 (got -2)"],
    [{ seed: 0.5 }, "--seed must be a whole number >= 0 (got 0.5)"],
    [{ size: 8 }, "--size must be a whole number >= 16 (got 8)"],
  ])("refuses %j in one line naming the option", async (bad, message) => {
    const out = join(tempDir(), "shapes");
    const writing = writeSynthShapes({ out, count: 4, testCount: 4, seed: 0, size: 16, ...bad });
    await expect(writing).rejects.toThrow(DataError);
    await expect(writing).rejects.toThrow(message);
    expect(() => readdirSync(out)).toThrow();
  });

  it("refuses a file given as the folder", async () => {
    const file = join(tempDir(), "shapes");
    writeFileSync(file, "");
    await expect(writeSynthShapes({ out: file, count: 4, testCount: 4, seed: 0, size: 16 })).rejects.toThrow(
      `${file} is a file; name a new folder to write the dataset into`,
    );
  });
});
