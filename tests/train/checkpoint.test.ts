import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { CheckpointError, hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointState } from "../../src/checkpoint/index.js";
import { reconBatch, reconStep, seededDense, type Nets, type Optimizers } from "../helpers/tiny-nets.js";

// A rename that throws stands in for a crash: saveCheckpoint leaves the disk as it is when a rename fails.
const crash = vi.hoisted(() => ({ renamesBeforeCrash: Infinity }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (crash.renamesBeforeCrash <= 0) throw new Error("simulated crash");
      crash.renamesBeforeCrash--;
      return actual.rename(from, to);
    },
  };
});

beforeAll(async () => {
  await selectBackend("wasm");
});

afterEach(() => {
  crash.renamesBeforeCrash = Infinity;
});

const BETAS = [0.9, 0.999] as const;
const LR = 0.01;

/**
 * Small seeded networks with fixed layer names, so every build in this process has the same layers but
 * uniquely suffixed variable names (`encoder_dense_0/kernel_3`). The decoder's batch norm gives it
 * non-trainable weights, so `model.weights` and `model.trainableWeights` differ in length and order.
 */
function buildNets(seed: number, hidden = 8): Nets {
  const encoder = tf.sequential({
    name: "encoder",
    layers: [seededDense("encoder_dense_0", hidden, seed, { inputShape: [6] }), seededDense("encoder_dense_1", 3, seed + 10)],
  });
  const decoder = tf.sequential({
    name: "decoder",
    layers: [
      seededDense("decoder_dense_0", 8, seed + 20, { inputShape: [3] }),
      tf.layers.batchNormalization({ name: "decoder_bn" }),
      seededDense("decoder_dense_1", 6, seed + 30, { activation: "linear" }),
    ],
  });
  return { encoder, decoder };
}

function buildOptimizers(): Optimizers {
  return { encoder: tf.train.adam(LR, ...BETAS), decoder: tf.train.adam(LR, ...BETAS) };
}

function weightBytes(nets: Nets): Buffer[] {
  return [...nets.encoder.weights, ...nets.decoder.weights].map((w) => Buffer.from(w.read().dataSync().buffer));
}

function expectBitIdentical(a: Buffer[], b: Buffer[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((bytes, i) => expect(bytes.equals(b[i]), `weight ${i}`).toBe(true));
}

function dispose(nets: Nets, optimizers?: Optimizers): void {
  nets.encoder.dispose();
  nets.decoder.dispose();
  if (optimizers) Object.values(optimizers).forEach((o) => o.dispose());
}

function newRunDir(): string {
  return mkdtempSync(join(tmpdir(), "ckpt-"));
}

const state = (step: number): CheckpointState => ({ epoch: 1, step, extra: { rng: { c: 1, s0: 0.25, s1: 0.5, s2: 0.75 }, best: 0.125 } });

/** A trained pair of networks, saved at `step`; the caller keeps training the originals. */
async function trainedAndSaved(runDir: string, steps: number): Promise<{ nets: Nets; optimizers: Optimizers; x: tf.Tensor2D }> {
  const nets = buildNets(1);
  const optimizers = buildOptimizers();
  const x = reconBatch();
  for (let i = 0; i < steps; i++) reconStep(nets, optimizers, x);
  await saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(steps) });
  return { nets, optimizers, x };
}

async function expectCheckpointError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain("\n");
}

describe("saveCheckpoint / loadCheckpoint", () => {
  it("round-trips weights exactly into freshly built networks with other variable names, and the state", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 3);
    const fresh = buildNets(2);
    expect(fresh.encoder.trainableWeights[0].name).not.toBe(nets.encoder.trainableWeights[0].name);
    const loaded = await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: {} });
    expectBitIdentical(weightBytes(fresh), weightBytes(nets));
    expect(loaded).toEqual(state(3));
    expect(readdirSync(runDir)).toEqual(["checkpoint"]);
    expect(readdirSync(join(runDir, "checkpoint")).sort()).toEqual(["decoder", "encoder", "optimizers", "state.json"]);
    expect(readdirSync(join(runDir, "checkpoint", "optimizers")).sort()).toEqual(["decoder.bin", "decoder.json", "encoder.bin", "encoder.json"]);
    const stateFile = JSON.parse(readFileSync(join(runDir, "checkpoint", "state.json"), "utf8"));
    expect(stateFile).toMatchObject({ format: "aelab-checkpoint", version: 1, epoch: 1, step: 3 });
    expect(Number.isNaN(Date.parse(stateFile.time))).toBe(false);
    dispose(nets, optimizers);
    dispose(fresh);
    x.dispose();
  });

  it("writes model.json + weights.bin that tf.loadLayersModel reads, predicting identically", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 2);
    const dir = join(runDir, "checkpoint", "encoder");
    const modelJson = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as tf.io.ModelJSON;
    expect(modelJson.format).toBe("layers-model");
    expect(modelJson.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v/);
    expect(modelJson.convertedBy).toBeNull();
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0].paths).toEqual(["weights.bin"]);
    // Saved under the layer's own names, without this process's uniqueness suffixes.
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name)).toEqual([
      "encoder_dense_0/kernel",
      "encoder_dense_0/bias",
      "encoder_dense_1/kernel",
      "encoder_dense_1/bias",
    ]);

    // What a browser's tf.io.http handler does with the two files.
    const bytes = readFileSync(join(dir, "weights.bin"));
    const handler: tf.io.IOHandler = {
      load: () =>
        tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [
          tf.io.getWeightSpecs(manifest),
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        ]),
    };
    const loaded = await tf.loadLayersModel(handler);
    const a = loaded.predict(x) as tf.Tensor;
    const b = nets.encoder.predict(x) as tf.Tensor;
    expect(Buffer.from(a.dataSync().buffer).equals(Buffer.from(b.dataSync().buffer))).toBe(true);
    tf.dispose([a, b]);
    loaded.dispose();
    dispose(nets, optimizers);
    x.dispose();
  });

  it("resumes Adam exactly: one more step after loading gives bit-identical weights", async () => {
    const runDir = newRunDir();
    // Five steps: there beta2^(t+1) accumulated in float32 differs from pow(beta2, t + 1).
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 5);
    const fresh = buildNets(2);
    const freshOptimizers = buildOptimizers();
    await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOptimizers } });
    expect(freshOptimizers.encoder.iterations).toBe(5);

    // Controls that show the check can fail: Adam without its moments, and tfjs' own setWeights,
    // which recomputes beta^(t+1) with pow instead of keeping the accumulated product.
    const noMoments = buildNets(3);
    await loadCheckpoint(runDir, { models: { ...noMoments }, optimizers: {} });
    const noMomentsOptimizers = buildOptimizers();
    const stock = buildNets(4);
    const stockOptimizers = buildOptimizers();
    await loadCheckpoint(runDir, { models: { ...stock }, optimizers: { ...stockOptimizers } });
    for (const o of Object.values(stockOptimizers)) {
      const weights = await o.getWeights();
      await o.setWeights(weights);
      tf.dispose(weights.map((w) => w.tensor));
    }

    for (let i = 0; i < 2; i++) {
      reconStep(nets, optimizers, x);
      reconStep(fresh, freshOptimizers, x);
      reconStep(noMoments, noMomentsOptimizers, x);
      reconStep(stock, stockOptimizers, x);
      expectBitIdentical(weightBytes(fresh), weightBytes(nets));
    }
    const same = (other: Nets) => weightBytes(other).every((w, i) => w.equals(weightBytes(nets)[i]));
    expect(same(noMoments)).toBe(false);
    expect(same(stock)).toBe(false);

    for (const [n, o] of [
      [nets, optimizers],
      [fresh, freshOptimizers],
      [noMoments, noMomentsOptimizers],
      [stock, stockOptimizers],
    ] as const)
      dispose(n, o);
    x.dispose();
  });

  it("resumes exactly in a new process, where the variables have no suffixes", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 5);
    reconStep(nets, optimizers, x);
    const root = fileURLToPath(new URL("../../", import.meta.url));
    // The child rebuilds the networks from model.json, zeroes them, then loads the checkpoint into them.
    const child = `
      import * as tf from "@tensorflow/tfjs";
      import { readFileSync } from "node:fs";
      import { join } from "node:path";
      import { selectBackend } from "./src/backend/index.js";
      import { loadCheckpoint } from "./src/checkpoint/index.js";
      await selectBackend("wasm");
      const runDir = ${JSON.stringify(runDir)};
      const models = {};
      for (const name of ["encoder", "decoder"]) {
        const dir = join(runDir, "checkpoint", name);
        const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
        const bytes = readFileSync(join(dir, "weights.bin"));
        const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }));
        model.setWeights(model.weights.map((w) => tf.zeros(w.shape)));
        models[name] = model;
      }
      const optimizers = { encoder: tf.train.adam(${LR}, ${BETAS[0]}, ${BETAS[1]}), decoder: tf.train.adam(${LR}, ${BETAS[0]}, ${BETAS[1]}) };
      await loadCheckpoint(runDir, { models, optimizers });
      const x = tf.tensor2d(Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.7)), [5, 6]);
      tf.tidy(() => {
        for (const name of ["encoder", "decoder"]) {
          const variables = models[name].trainableWeights.map((w) => w.read());
          const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(x, models.decoder.apply(models.encoder.apply(x))), variables);
          optimizers[name].applyGradients(grads);
        }
      });
      const weights = [...models.encoder.weights, ...models.decoder.weights].map((w) => Buffer.from(w.read().dataSync().buffer).toString("base64"));
      process.stdout.write(JSON.stringify({ names: models.encoder.trainableWeights.map((w) => w.name), weights }));
    `;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], { cwd: root, encoding: "utf8" });
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as { names: string[]; weights: string[] };
    expect(out.names[0]).toBe("encoder_dense_0/kernel");
    expectBitIdentical(
      out.weights.map((w) => Buffer.from(w, "base64")),
      weightBytes(nets),
    );
    dispose(nets, optimizers);
    x.dispose();
  });

  it("leaves tf.memory().numTensors as training does, and loading twice leaks nothing", async () => {
    const runDir = newRunDir();
    const before = tf.memory().numTensors;
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 3);
    const trained = tf.memory().numTensors - before;

    const start = tf.memory().numTensors;
    const fresh = buildNets(2);
    const freshOptimizers = buildOptimizers();
    const y = reconBatch();
    await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOptimizers } });
    expect(tf.memory().numTensors - start).toBe(trained);
    const dataIds = tf.engine().backend.numDataIds();
    await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOptimizers } });
    expect(tf.memory().numTensors - start).toBe(trained);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    // A save reads back everything and frees what it read.
    await saveCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOptimizers }, state: state(3) });
    expect(tf.memory().numTensors - start).toBe(trained);

    dispose(nets, optimizers);
    dispose(fresh, freshOptimizers);
    tf.dispose([x, y]);
  });

  it("stores optimizer slots by weight position and the iteration count", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 3);
    const file = JSON.parse(readFileSync(join(runDir, "checkpoint", "optimizers", "decoder.json"), "utf8"));
    expect(file).toMatchObject({ format: "aelab-optimizer", version: 1, className: "Adam", iterations: 3 });
    // The decoder has 6 trainable weights (batch norm's moving statistics are not trainable): m then v.
    expect(file.slots.map((s: { weight: number; slot: string }) => `${s.slot}${s.weight}`)).toEqual([
      "m0",
      "m1",
      "m2",
      "m3",
      "m4",
      "m5",
      "v0",
      "v1",
      "v2",
      "v3",
      "v4",
      "v5",
    ]);
    expect(file.slots.every((s: { network: string }) => s.network === "decoder")).toBe(true);
    dispose(nets, optimizers);
    x.dispose();
  });
});

describe("crash safety", () => {
  it("keeps the old checkpoint when a crash comes after the temp folder is written, before the swap", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    reconStep(nets, optimizers, x);
    crash.renamesBeforeCrash = 0;
    await expect(saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) })).rejects.toThrow("simulated crash");
    expect(readdirSync(runDir).sort()).toEqual(["checkpoint", `checkpoint.tmp-${process.pid}`]);
    expect(hasCheckpoint(runDir)).toBe(true);
    expect((await loadCheckpoint(runDir, { models: {}, optimizers: {} })).step).toBe(1);

    crash.renamesBeforeCrash = Infinity;
    await saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) });
    expect(readdirSync(runDir)).toEqual(["checkpoint"]);
    expect((await loadCheckpoint(runDir, { models: {}, optimizers: {} })).step).toBe(2);
    dispose(nets, optimizers);
    x.dispose();
  });

  it("loads checkpoint.old, complete, when a crash comes between the two renames", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const savedAtStep1 = weightBytes(nets);
    reconStep(nets, optimizers, x);
    crash.renamesBeforeCrash = 1;
    await expect(saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) })).rejects.toThrow("simulated crash");
    expect(readdirSync(runDir).sort()).toEqual(["checkpoint.old", `checkpoint.tmp-${process.pid}`]);
    expect(hasCheckpoint(runDir)).toBe(true);

    const fresh = buildNets(2);
    const freshOptimizers = buildOptimizers();
    expect((await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOptimizers } })).step).toBe(1);
    expectBitIdentical(weightBytes(fresh), savedAtStep1);
    expect(freshOptimizers.encoder.iterations).toBe(1);

    // The next save must not drop checkpoint.old before its own checkpoint is in place.
    crash.renamesBeforeCrash = 0;
    await expect(saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) })).rejects.toThrow("simulated crash");
    expect((await loadCheckpoint(runDir, { models: {}, optimizers: {} })).step).toBe(1);
    crash.renamesBeforeCrash = Infinity;
    await saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) });
    expect(readdirSync(runDir)).toEqual(["checkpoint"]);
    expect((await loadCheckpoint(runDir, { models: {}, optimizers: {} })).step).toBe(2);
    dispose(nets, optimizers);
    dispose(fresh, freshOptimizers);
    x.dispose();
  });

  it("prefers the new checkpoint over a leftover checkpoint.old, and ignores a dead process's partial temp folder", async () => {
    const oldRun = newRunDir();
    const newRun = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(oldRun, 1);
    reconStep(nets, optimizers, x);
    await saveCheckpoint(newRun, { models: { ...nets }, optimizers: { ...optimizers }, state: state(2) });
    // A crash after the swap, while checkpoint.old was being removed, and one of a process now gone
    // while it wrote its temp folder.
    cpSync(join(oldRun, "checkpoint"), join(newRun, "checkpoint.old"), { recursive: true });
    rmSync(join(newRun, "checkpoint.old", "optimizers"), { recursive: true });
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const partial = join(newRun, `checkpoint.tmp-${deadPid}`);
    mkdirSync(join(partial, "encoder"), { recursive: true });
    writeFileSync(join(partial, "encoder", "model.json"), "{");

    expect((await loadCheckpoint(newRun, { models: { ...nets }, optimizers: { ...optimizers } })).step).toBe(2);
    await saveCheckpoint(newRun, { models: { ...nets }, optimizers: { ...optimizers }, state: state(3) });
    expect(readdirSync(newRun)).toEqual(["checkpoint"]);
    dispose(nets, optimizers);
    x.dispose();
  });
});

describe("CheckpointError", () => {
  it("says when a run folder has no checkpoint", async () => {
    const runDir = newRunDir();
    expect(hasCheckpoint(runDir)).toBe(false);
    await expectCheckpointError(loadCheckpoint(runDir, { models: {}, optimizers: {} }), /^no checkpoint in .*checkpoint\/state\.json\)$/);
  });

  it("names a network or optimizer the checkpoint does not have", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const discriminator = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [6] })] });
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...nets, discriminator }, optimizers: {} }),
      /has no network 'discriminator' \(it has: encoder, decoder\)$/,
    );
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...nets }, optimizers: { discriminator: tf.train.adam(LR) } }),
      /has no optimizer 'discriminator'/,
    );
    discriminator.dispose();
    dispose(nets, optimizers);
    x.dispose();
  });

  it("names weights.bin when it has the wrong size", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const bin = join(runDir, "checkpoint", "decoder", "weights.bin");
    truncateSync(bin, readFileSync(bin).byteLength - 4);
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...nets }, optimizers: {} }),
      /decoder\/weights\.bin is \d+ bytes but .*decoder\/model\.json's weightsManifest\[0\] describes \d+ bytes$/,
    );
    dispose(nets, optimizers);
    x.dispose();
  });

  it("names the weight whose shape does not match, and changes nothing", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const wider = buildNets(2, 9);
    const widerOptimizers = buildOptimizers();
    const weightsBefore = weightBytes(wider);
    const tensorsBefore = tf.memory().numTensors;
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...wider }, optimizers: { ...widerOptimizers } }),
      /encoder\/model\.json: weight 0 \(encoder_dense_0\/kernel\) is float32 \[6,8\] but network 'encoder' has float32 \[6,9\] \(encoder_dense_0\/kernel\)$/,
    );
    // The decoder matches, but nothing is applied unless everything checks out.
    expectBitIdentical(weightBytes(wider), weightsBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    dispose(nets, optimizers);
    dispose(wider, widerOptimizers);
    x.dispose();
  });

  it("names an optimizer slot whose shape does not match its weight", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const json = join(runDir, "checkpoint", "optimizers", "encoder.json");
    const file = JSON.parse(readFileSync(json, "utf8"));
    // Point the first moment at the bias of the first layer, a weight of another shape.
    file.slots[0].weight = 1;
    writeFileSync(json, JSON.stringify(file));
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers } }),
      /optimizers\/encoder\.json: slots\[0\] \(m of encoder_dense_0\/kernel\/m\) is \[6,8\] but network 'encoder' trainable weight 1 \(encoder_dense_0\/bias\) is \[8\]$/,
    );
    dispose(nets, optimizers);
    x.dispose();
  });

  it("names a corrupt JSON file and a missing one", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    renameSync(join(runDir, "checkpoint", "optimizers", "decoder.json"), join(runDir, "decoder.json"));
    await expectCheckpointError(
      loadCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers } }),
      /checkpoint file .*optimizers\/decoder\.json is missing$/,
    );
    writeFileSync(join(runDir, "checkpoint", "encoder", "model.json"), '{"modelTopology": ');
    await expectCheckpointError(loadCheckpoint(runDir, { models: { ...nets }, optimizers: {} }), /encoder\/model\.json is not valid JSON/);
    writeFileSync(join(runDir, "checkpoint", "state.json"), "{");
    await expectCheckpointError(loadCheckpoint(runDir, { models: {}, optimizers: {} }), /state\.json is not valid JSON/);
    dispose(nets, optimizers);
    x.dispose();
  });

  it("refuses state that is not plain JSON, and leaves the previous checkpoint", async () => {
    const runDir = newRunDir();
    const { nets, optimizers, x } = await trainedAndSaved(runDir, 1);
    const extra: Record<string, unknown> = {};
    extra.self = extra;
    await expectCheckpointError(
      saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...optimizers }, state: { epoch: 1, step: 2, extra } }),
      /state\.extra is not plain JSON/,
    );
    expect(readdirSync(runDir)).toEqual(["checkpoint"]);
    expect(existsSync(join(runDir, "checkpoint", "state.json"))).toBe(true);
    dispose(nets, optimizers);
    x.dispose();
  });
});
