import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadConfig } from "../../src/config/index.js";
import { loadDataset } from "../../src/data/index.js";
import { validationIndices } from "../../src/data/validation-split.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { initialEarlyStopping, observeEpoch, type EarlyStoppingState } from "../../src/train/early-stopping.js";
import { evaluate } from "../../src/train/evaluate.js";
import { loadRun } from "../../src/train/load-run.js";
import { trainLoop } from "../../src/train/loop.js";
import { seededNoise } from "../../src/train/noise.js";
import { runTraining } from "../../src/train/run.js";
import { streamFor } from "../../src/random/rng.js";
import { errorOf } from "../helpers/config-error.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

/** Feeds the values epoch by epoch and returns the epoch training stopped after (null: never), and the final state. */
function run(
  values: number[],
  spec: { patience: number; minDelta?: number; minRelativeDelta?: number; startFromEpoch?: number },
): { stoppedAfter: number | null; state: EarlyStoppingState } {
  let state = initialEarlyStopping;
  for (const [i, value] of values.entries()) {
    const decision = observeEpoch({ minDelta: 0, minRelativeDelta: 0, startFromEpoch: 0, ...spec }, state, i + 1, value);
    state = decision.state;
    if (decision.stop) return { stoppedAfter: i + 1, state };
  }
  return { stoppedAfter: null, state };
}

describe("the early-stopping rule", () => {
  it("stops after `patience` epochs in a row without improvement, remembering the best epoch", () => {
    expect(run([5, 4, 4.5, 4.2, 3, 3.1, 3.2, 3.05, 9], { patience: 3 })).toEqual({
      stoppedAfter: 8,
      state: { best: 3, bestEpoch: 5, wait: 3, stoppedEpoch: 8 },
    });
    expect(run([5, 4, 3, 2, 1], { patience: 1 }).stoppedAfter).toBeNull();
    expect(run([5, 5], { patience: 1 }).stoppedAfter).toBe(2);
  });

  it("counts an improvement only beyond minDelta", () => {
    // 4.95 and 4.91 are below the best but by less than 0.1.
    expect(run([5, 4.95, 4.91], { patience: 2, minDelta: 0.1 })).toMatchObject({ stoppedAfter: 3, state: { best: 5, bestEpoch: 1 } });
    expect(run([5, 4.85, 4.7], { patience: 2, minDelta: 0.1 }).stoppedAfter).toBeNull();
  });

  it("counts an improvement only beyond minRelativeDelta of the best, on any scale", () => {
    // 1% of the best: 0.99 and 99 are not enough below 1 and 100; 0.98 and 98 are.
    expect(run([1, 0.995, 0.991], { patience: 2, minRelativeDelta: 0.01 })).toMatchObject({ stoppedAfter: 3, state: { best: 1 } });
    expect(run([100, 99.5, 99.1], { patience: 2, minRelativeDelta: 0.01 })).toMatchObject({ stoppedAfter: 3, state: { best: 100 } });
    expect(run([1, 0.98, 0.97], { patience: 1, minRelativeDelta: 0.01 }).stoppedAfter).toBeNull();
    expect(run([100, 98, 97], { patience: 1, minRelativeDelta: 0.01 }).stoppedAfter).toBeNull();
  });

  it("does not judge epochs up to startFromEpoch", () => {
    expect(run([1, 2, 3, 4, 5], { patience: 1, startFromEpoch: 3 })).toEqual({ stoppedAfter: 5, state: { best: 4, bestEpoch: 4, wait: 1, stoppedEpoch: 5 } });
  });

  it("refuses to judge an epoch after it stopped", () => {
    const { state } = run([1, 1], { patience: 1 });
    expect(() => observeEpoch({ patience: 1, minDelta: 0, minRelativeDelta: 0, startFromEpoch: 0 }, state, 3, 0)).toThrow(/already stopped/);
  });
});

describe("early-stopping and validation config", () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-es-config-"));
  const load = (text: string, overrides: string[] = []) => {
    const file = join(dir, "c.yaml");
    writeFileSync(file, text);
    return loadConfig(file, overrides);
  };

  it("leaves a config without it as it was, and holds out 0.1 for validation once early stopping is on", () => {
    const plain = load("train: { epochs: 2 }\n");
    expect(plain.data.validation).toBe(0);
    expect(plain.train.earlyStopping).toBeUndefined();
    const stopping = load("train: { epochs: 2 }\n", ["train.earlyStopping.patience=4"]);
    expect(stopping.data.validation).toBe(0.1);
    expect(stopping.train.earlyStopping).toEqual({ patience: 4, minDelta: 0, minRelativeDelta: 0, startFromEpoch: 0, restoreBestWeights: true });
    expect(load("data: { validation: 0.25 }\ntrain: { earlyStopping: { monitor: validation/mse } }\n").data.validation).toBe(0.25);
  });

  it("names the file and key of a bad value in one line", () => {
    const file = join(dir, "c.yaml");
    expect(errorOf(() => load("train: { earlyStopping: { patience: 0 } }\n"))).toBe(
      `config error in ${file}: train.earlyStopping.patience must be > 0 (got 0)`,
    );
    expect(errorOf(() => load("train: { earlyStopping: { minDelta: -1 } }\n"))).toBe(
      `config error in ${file}: train.earlyStopping.minDelta must be >= 0 (got -1)`,
    );
    expect(errorOf(() => load("train: { earlyStopping: { monitor: val_loss } }\n"))).toMatch(
      new RegExp(`^config error in ${file}: train\\.earlyStopping\\.monitor: must be a validation tag.*\\(got "val_loss"\\)$`),
    );
    expect(errorOf(() => load("train: { earlyStopping: { min_delta: 1 } }\n"))).toBe(
      `config error in ${file}: unknown key train.earlyStopping.min_delta; did you mean train.earlyStopping.minDelta? (min_delta is called train.earlyStopping.minDelta in aelab)`,
    );
    expect(errorOf(() => load("data: { validation: 0 }\ntrain: { earlyStopping: {} }\n"))).toMatch(
      /^config error in .*: train\.earlyStopping needs a validation split: data\.validation must be > 0 \(got 0\)/,
    );
    expect(errorOf(() => load("data: { validation: 1 }\n"))).toBe(`config error in ${file}: data.validation must be < 1 (got 1)`);
  });

  it("rejects a monitor the variant does not log before training, naming the config file", async () => {
    const config = tinyConfig({
      train: {
        epochs: 1,
        earlyStopping: { monitor: "validation/autoencoder/nope", patience: 1, minDelta: 0, minRelativeDelta: 0, startFromEpoch: 0, restoreBestWeights: true },
      },
    });
    const promise = trainLoop({
      config: { ...config, data: { ...config.data, validation: 0.1 } },
      dataset: await tinyDataset(),
      writer: new MemoryWriter(),
      configOrigin: "configs/x.yaml",
    });
    await expect(promise).rejects.toThrow(
      /^config error in configs\/x\.yaml: train\.earlyStopping\.monitor "validation\/autoencoder\/nope" is not logged by variant vae; it logs validation\/autoencoder\/recon, /,
    );
  });
});

/** A tiny VAE with early stopping; minDelta as large as the loss itself means only epoch 1 ever improves. */
function stoppingConfig(earlyStopping: { patience: number; minDelta: number; restoreBestWeights?: boolean }, epochs: number) {
  const config = tinyConfig({ train: { epochs, earlyStopping: { startFromEpoch: 0, restoreBestWeights: true, minRelativeDelta: 0, ...earlyStopping } } });
  return { ...config, data: { ...config.data, validation: 0.1 } };
}

describe("training with a validation split and early stopping", () => {
  it("validates every epoch on examples it does not train on, logged as validation/*", async () => {
    const writer = new MemoryWriter();
    const base = tinyConfig({ train: { epochs: 2 } });
    const result = await trainLoop({ config: { ...base, data: { ...base.data, validation: 0.25 } }, dataset: await tinyDataset(), writer });
    // 512 examples less a quarter held out: 384 train, 6 batches of 64 per epoch.
    expect(result.steps).toBe(12);
    expect(writer.series("validation/autoencoder/loss").map((s) => s.step)).toEqual([0, 6, 12]);
    expect(writer.series("validation/mse")).toHaveLength(3);
    expect(result.epochs.map((e) => e.validation!["autoencoder/loss"])).toEqual(
      writer
        .series("validation/autoencoder/loss")
        .slice(1)
        .map((s) => s.value),
    );
    expect(result.epochs[1].validation!["autoencoder/loss"]).toBeLessThan(result.initialValidation["autoencoder/loss"]);
    expect(result.convergence).toBeUndefined();
  });

  it("stops `patience` epochs after the last improvement, restores the best epoch's weights and records it in run.json", async () => {
    const logdir = mkdtempSync(join(tmpdir(), "aelab-es-run-"));
    const outcome = await runTraining({ config: stoppingConfig({ patience: 2, minDelta: 1e6 }, 10), configFile: "configs/es.yaml", logdir, backend: "wasm" });
    expect(outcome.result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const record = JSON.parse(readFileSync(join(outcome.dir, "run.json"), "utf8"));
    expect(record.status).toBe("completed");
    const dataset = await loadDataset("mnist", { seed: 3, trainLimit: 512, testLimit: 128 });
    const held = validationIndices(dataset.train.labels, 0.1, 3);
    expect(record.dataset).toMatchObject({ train: held.train.length, validation: held.validation.length, test: 128 });
    expect(held.train.length + held.validation.length).toBe(512);
    // Every epoch trains on the held-in examples only: ceil(count / 64) steps each.
    expect(record.steps).toBe(3 * Math.ceil(held.train.length / 64));
    expect(record.epochs.map((e: { validation: Record<string, number> }) => typeof e.validation["autoencoder/loss"])).toEqual(["number", "number", "number"]);
    expect(record.convergence).toMatchObject({
      monitor: "validation/autoencoder/loss",
      patience: 2,
      bestEpoch: 1,
      best: record.epochs[0].validation["autoencoder/loss"],
      epochsRun: 3,
      maxEpochs: 10,
      converged: true,
      stoppedEpoch: 3,
      weightsEpoch: 1,
    });
    // The later epochs did learn: restoring epoch 1 is a real change of weights.
    expect(record.epochs[2].test["autoencoder/loss"]).toBeLessThan(record.epochs[0].test["autoencoder/loss"]);
    expect(record.convergence.test).toEqual(record.epochs[0].test);

    // The checkpoint (what eval, sample and the report read) holds epoch 1's weights.
    const loaded = await loadRun(outcome.dir);
    try {
      const again = await evaluate(loaded.variant, dataset.test, 64, loaded.shape, seededNoise(streamFor(3, "eval-noise")));
      expect(again.scalars).toEqual(record.epochs[0].test);
    } finally {
      loaded.variant.dispose();
    }
  });

  it("does not judge the epochs wholly inside an adversarial warm-up, so the best epoch is one that met the adversarial term", async () => {
    const earlyStopping = {
      startFromEpoch: 0,
      restoreBestWeights: true,
      minRelativeDelta: 0,
      patience: 2,
      minDelta: 1e6,
      monitor: "validation/autoencoder/recon",
    };
    const tiny = tinyConfig({ model: { variant: "ae+gan", recon: "mse" }, adversarial: { start: 20, weight: 1 }, train: { epochs: 6, earlyStopping } });
    const config = { ...tiny, data: { ...tiny.data, validation: 0.1 } };
    const result = await trainLoop({ config, dataset: await tinyDataset(), writer: new MemoryWriter() });
    const stepsPerEpoch = result.steps / result.convergence!.epochsRun;
    const warmupEpochs = Math.floor(20 / stepsPerEpoch);
    expect(warmupEpochs).toBeGreaterThanOrEqual(1);
    // minDelta as large as the loss: only the first judged epoch improves, so it is the best, and patience 2 ends the run two later.
    expect(result.convergence).toMatchObject({ startFromEpoch: warmupEpochs, bestEpoch: warmupEpochs + 1, stoppedEpoch: warmupEpochs + 3, converged: true });
  });

  it("hitting the cap is not convergence; without restoreBestWeights the last epoch's weights stay", async () => {
    const result = await trainLoop({
      config: stoppingConfig({ patience: 5, minDelta: 1e6, restoreBestWeights: false }, 2),
      dataset: await tinyDataset(),
      writer: new MemoryWriter(),
    });
    expect(result.convergence).toMatchObject({
      bestEpoch: 1,
      epochsRun: 2,
      maxEpochs: 2,
      converged: false,
      stoppedEpoch: null,
      weightsEpoch: 2,
      restoreBestWeights: false,
    });
    expect(result.convergence!.test).toEqual(result.epochs[1].test);
  });
});
