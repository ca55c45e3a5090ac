import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import type { Dataset } from "../../src/data/index.js";
import { checkConfigFitsData } from "../../src/train/check-fit.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

const check = (config: ReturnType<typeof tinyConfig>, data: Dataset) => () => checkConfigFitsData(config, data, "x.yaml");

describe("a config that cannot fit the data fails in one line before any training", () => {
  it("a batch larger than the training split", async () => {
    const data = await tinyDataset();
    expect(check(tinyConfig({ train: { batchSize: 512 } }), data)).not.toThrow();
    expect(check(tinyConfig({ train: { batchSize: 513 } }), data)).toThrow(
      new ConfigError(
        "config error in x.yaml: train.batchSize 513 is larger than the training split (512 examples); lower train.batchSize or raise data.trainLimit",
      ),
    );
  });

  it("a conv decoder that cannot grow to the images' size", async () => {
    const data = await tinyDataset();
    const decoder = { type: "conv" as const, startChannels: 4, filters: [4, 4, 4], kernel: 3, strides: 2, activation: "relu" as const };
    expect(check(tinyConfig({ model: { decoder } }), data)).toThrow(
      /^config error in x\.yaml: model\.decoder: a 28x28 image is not divisible by strides\^filters\.length = 2\^3 = 8/,
    );
    expect(check(tinyConfig({ model: { decoder: { ...decoder, filters: [4, 4] } } }), data)).not.toThrow();
  });

  it("a feature layer the discriminator does not have", async () => {
    const data = await tinyDataset();
    const discriminator = { type: "mlp" as const, hidden: [16, 8], activation: "leakyRelu" as const, featureLayer: 2, spectralNorm: false };
    expect(check(tinyConfig({ model: { variant: "vaegan", recon: "feature", discriminator } }), data)).toThrow(
      new ConfigError("config error in x.yaml: model.discriminator.featureLayer must be in [-2, 1] (the discriminator has 2 hidden layers; got 2)"),
    );
    // Variants without the pixel discriminator never build it, so its feature layer does not matter.
    expect(check(tinyConfig({ model: { discriminator } }), data)).not.toThrow();
  });

  it("aelab train stops before creating a run folder", () => {
    const logdir = join(mkdtempSync(join(tmpdir(), "aelab-fit-")), "runs");
    const run = spawnSync(process.execPath, ["bin/aelab.js", "train", "configs/ae-mse.yaml", "--logdir", logdir, "--set", "data.trainLimit=100"], {
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      "aelab: config error in configs/ae-mse.yaml: train.batchSize 128 is larger than the training split (100 examples); lower train.batchSize or raise data.trainLimit",
    );
    expect(existsSync(logdir)).toBe(false);
  });
});
