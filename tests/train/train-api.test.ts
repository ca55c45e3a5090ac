import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryWriter, train } from "../../src/index.js";

const tiny = {
  seed: 3,
  data: { source: "mnist", trainLimit: 512, testLimit: 128 },
  model: { variant: "ae", recon: "mse", encoder: { type: "mlp", hidden: [64] }, decoder: { type: "mlp", hidden: [64] }, latent: { size: 4 } },
  train: { epochs: 1, batchSize: 64 },
  log: { every: 4, images: 8 },
};

describe("train(), the library's entry point", () => {
  it("with logdir writes the run folder aelab train writes; without, logs to the writer it returns", async () => {
    const logdir = mkdtempSync(join(tmpdir(), "aelab-train-api-"));
    const folder = await train(tiny, { logdir, name: "api", backend: "wasm" });
    expect(folder.dir).toBe(join(logdir, "api"));
    expect(JSON.parse(readFileSync(join(folder.dir!, "run.json"), "utf8"))).toMatchObject({ status: "completed", configFile: "train()", steps: 8 });
    expect(existsSync(join(folder.dir!, "checkpoint", "state.json"))).toBe(true);

    const memory = await train(tiny, { backend: "wasm" });
    expect(memory.writer).toBeInstanceOf(MemoryWriter);
    expect(memory.result.epochs[0].test).toEqual(folder.result.epochs[0].test);
  });

  it("checks the config as a file is checked, naming where it came from", async () => {
    await expect(train({ ...tiny, train: { epochs: 0 } }, { backend: "wasm" })).rejects.toThrow(
      /^config error in train\(\): train\.epochs must be > 0 \(got 0\)$/,
    );
    await expect(train(tiny, { configFile: "mine.ts", logdir: "x", writer: new MemoryWriter() })).rejects.toThrow("give logdir");
  });
});
