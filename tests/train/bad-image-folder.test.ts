import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadConfig } from "../../src/config/index.js";
import { DataError } from "../../src/data/errors.js";
import { readEvents } from "../../src/tensorboard/index.js";
import { runTraining } from "../../src/train/run.js";
import { colourPixels, tempDir, writeImage } from "../data/sources/image-fixtures.js";

// A folder of 16x16 colour images in two classes, one of them cut short: the run must stop on the data,
// naming the file, before a run folder (or anything else) exists in the logdir.
async function folderWithTruncatedImage(): Promise<{ root: string; broken: string }> {
  const root = tempDir();
  for (const [k, cls] of ["a", "b"].entries())
    for (let i = 0; i < 6; i++) await writeImage(join(root, cls, `${i}.png`), colourPixels(16, 16, 10 * k + i), 16, 16, 3);
  const broken = join(root, "b", "3.png");
  writeFileSync(broken, readFileSync(broken).subarray(0, 60));
  return { root, broken };
}

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("a training run on a folder with a corrupt image", () => {
  it("stops with one line naming the file before anything is written to the logdir", async () => {
    const { root, broken } = await folderWithTruncatedImage();
    const logdir = tempDir();
    const config = loadConfig("configs/conv-vae-colour.yaml", [`data.source=${root}`, "data.size=16", "train.batchSize=4", "train.epochs=1"]);
    const run = runTraining({ config, configFile: "configs/conv-vae-colour.yaml", logdir, backend: "wasm" });
    await expect(run).rejects.toThrow(DataError);
    await expect(run).rejects.toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a readable image .*data\\.onError: skip`));
    expect(readdirSync(logdir)).toEqual([]);
  });

  it("with data.onError: skip, trains on the rest in colour and says what it left out", async () => {
    const { root } = await folderWithTruncatedImage();
    const logdir = tempDir();
    const config = loadConfig("configs/conv-vae-colour.yaml", [
      `data.source=${root}`,
      "data.size=16",
      "data.onError=skip",
      "train.batchSize=4",
      "train.epochs=1",
      "data.testFraction=0.2",
    ]);
    const lines: string[] = [];
    const progress = { epochStart() {}, step() {}, epochEnd() {}, message: (line: string) => lines.push(line), close() {} };
    const outcome = await runTraining({ config, configFile: "configs/conv-vae-colour.yaml", logdir, backend: "wasm", progress });
    const record = JSON.parse(readFileSync(join(outcome.dir, "run.json"), "utf8")) as {
      dataset: { height: number; width: number; channels: number; train: number; test: number };
    };
    expect(record.dataset).toMatchObject({ height: 16, width: 16, channels: 3 });
    expect(record.dataset.train + record.dataset.test).toBe(11);
    expect(lines.filter((l) => l.includes("left out 1 image that did not decode"))).toHaveLength(1);
    expect(existsSync(join(logdir, ".cache", "data"))).toBe(true);
    // TensorBoard gets colour: the reconstruction grid as an RGB image, and the intensities per channel.
    const events = readEvents(readFileSync(outcome.eventsFile));
    const values = events.flatMap((e) => e.summary?.value ?? []);
    expect(values.find((v) => v.tag === "images/reconstruction")?.image).toMatchObject({ colorspace: 3 });
    const tags = new Set(values.map((v) => v.tag));
    for (const name of ["red", "green", "blue"]) for (const side of ["input", "output"]) expect(tags).toContain(`intensity/${side}_${name}`);
  });
});
