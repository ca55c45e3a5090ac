import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../src/backend/index.js";
import { loadConfig } from "../src/config/index.js";
import { readEvents } from "../src/tensorboard/index.js";
import { runTraining } from "../src/train/run.js";

/** A short budget: every shipped config trains one epoch on a slice of the embedded digits. */
const BUDGET = ["train.epochs=1", "data.trainLimit=256", "data.testLimit=64", "log.every=1", "log.images=8"];

const configs = readdirSync("configs")
  .filter((f) => f.endsWith(".yaml"))
  .sort();

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("every shipped config trains one epoch and writes events that decode", () => {
  it("ships the configs issue #3 asks for", () => {
    for (const name of [
      "ae-mse",
      "ae-bce",
      "vae-mse",
      "vae-bce",
      "aae-mse",
      "vaegan",
      "vaegan-conv",
      "vae-mse+gan",
      "ae-mse+gan",
      "conv-ae-mse",
      "conv-ae-bce",
      "conv-vae-mse",
      "conv-vae-bce",
    ]) {
      expect(configs).toContain(`${name}.yaml`);
    }
  });

  for (const file of configs) {
    it(file, async () => {
      const logdir = mkdtempSync(join(tmpdir(), "aelab-configs-"));
      const config = loadConfig(join("configs", file), BUDGET);
      const outcome = await runTraining({ config, configFile: join("configs", file), logdir, backend: "wasm" });
      expect(outcome.result.steps).toBe(2);
      const files = readdirSync(outcome.dir).filter((f) => f.includes("tfevents"));
      const events = readEvents(readFileSync(join(outcome.dir, files[0])));
      expect(events.truncated).toBe(false);
      const tags = new Set(events.flatMap((e) => (e.summary?.value ?? []).map((v) => v.tag)));
      expect(tags).toContain("images/reconstruction");
      expect(tags).toContain("test/mse");
      expect([...tags].some((t) => t.startsWith("train/"))).toBe(true);
      expect(readdirSync(join(outcome.dir, "checkpoint")).sort()).toEqual(expect.arrayContaining(["decoder", "encoder", "optimizers", "state.json"]));
    });
  }
});
