import * as tf from "@tensorflow/tfjs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadAddon, type NativeAddon } from "../../src/backend/blas/addon.js";
import { setActiveNativeKernels } from "../../src/backend/blas/state.js";
import { selectBackend } from "../../src/backend/index.js";
import type { NetworkName, RunConfig } from "../../src/config/schema.js";
import { buildVariant } from "../../src/models/index.js";
import { Rng, streamFor } from "../../src/random/rng.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/checkpoint/index.js";
import { FusedAdamOptimizer, isFusedAdam } from "../../src/train/fused-adam.js";
import { seededNoise } from "../../src/train/noise.js";
import { buildOptimizers } from "../../src/train/optimizers.js";
import { phaseRunners, trainStep } from "../../src/train/step.js";
import { reconBatch, reconStep, seededDense, type Nets, type Optimizers } from "../helpers/tiny-nets.js";
import { batch, SHAPE, smallConfig } from "../helpers/variant-harness.js";

// Non-default hyperparameters: 1 - beta and -lr round differently from the defaults' neighbours.
const LR = 0.0123;
const BETA1 = 0.85;
const BETA2 = 0.9973;
const EPSILON = 3e-7;
// A scalar, sizes that leave a tail after the 8-wide vector loop (37, 377, 15), and a multiple of 16.
const SHAPES: number[][] = [[], [37], [13, 29], [64, 48], [5, 1, 3]];
const STEPS = 24;

const loaded = loadAddon();
let addon: NativeAddon;

beforeAll(async () => {
  if (!loaded.ok) return;
  addon = loaded.addon;
  await selectBackend("wasm", { kernels: "native" });
});

// CI builds the addon: without it every test here fails, saying why, rather than being skipped.
beforeEach(() => {
  if (!loaded.ok) throw new Error(`the fused Adam tests need the native addon: ${loaded.reason}`);
  setActiveNativeKernels(addon);
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function bytes(t: tf.Tensor): Buffer {
  return Buffer.from((t.dataSync() as Float32Array).slice().buffer);
}

function makeVariables(seed: number, shapes = SHAPES): tf.Variable[] {
  return shapes.map((shape, i) => {
    const init = tf.randomNormal(shape, 0, 1, "float32", seed + i);
    const v = tf.variable(init);
    init.dispose();
    return v;
  });
}

/** Step `step`'s gradients: varied scales, incl. ones small enough that epsilon matters, and zeros. */
function gradients(step: number, shapes = SHAPES): tf.Tensor[] {
  return tf.tidy(() =>
    shapes.map((shape, i) => {
      if (step % 7 === 3 && i === 1) return tf.zeros(shape);
      const scale = step % 5 === 0 ? 1e-6 : 10 ** ((step % 4) - 2);
      return tf.mul(tf.randomNormal(shape, 0, 1, "float32", 1000 * step + i), scale);
    }),
  );
}

function named(variables: tf.Variable[], grads: tf.Tensor[]): tf.NamedTensorMap {
  return Object.fromEntries(variables.map((v, i) => [v.name, grads[i]]));
}

interface OptimizerState {
  weights: Buffer[];
  slots: Buffer[];
  accBeta1: Buffer;
  accBeta2: Buffer;
  iterations: number;
}

async function stateOf(optimizer: tf.Optimizer, variables: tf.Variable[]): Promise<OptimizerState> {
  const [iter, ...slots] = await optimizer.getWeights();
  iter.tensor.dispose();
  const adam = optimizer as unknown as AdamInternals;
  return {
    weights: variables.map(bytes),
    slots: slots.map((s) => bytes(s.tensor)),
    accBeta1: bytes(adam.accBeta1),
    accBeta2: bytes(adam.accBeta2),
    iterations: optimizer.iterations,
  };
}

/** Trains a fused and a stock Adam side by side on identical variables and gradients. */
async function sideBySide(steps: number, opts: { array?: boolean } = {}) {
  const fusedVars = makeVariables(1);
  const stockVars = makeVariables(1);
  const fused = new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON);
  const stock: tf.Optimizer = tf.train.adam(LR, BETA1, BETA2, EPSILON);
  for (let step = 0; step < steps; step++) {
    const grads = gradients(step);
    if (opts.array) {
      fused.applyGradients(fusedVars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      stock.applyGradients(stockVars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    } else {
      fused.applyGradients(named(fusedVars, grads));
      stock.applyGradients(named(stockVars, grads));
    }
    tf.dispose(grads);
  }
  return { fusedVars, stockVars, fused, stock };
}

describe("FusedAdamOptimizer", () => {
  it("is bit-identical to tfjs's Adam with the native kernels on: weights, moments, accBeta1/2, iterations", async () => {
    const adam = vi.spyOn(addon, "adam");
    const { fusedVars, stockVars, fused, stock } = await sideBySide(STEPS);
    expect(adam).toHaveBeenCalledTimes(STEPS); // one native call per applyGradients
    const a = await stateOf(fused, fusedVars);
    const b = await stateOf(stock, stockVars);
    expect(a.iterations).toBe(STEPS);
    expect(a.slots.length).toBe(2 * SHAPES.length);
    a.weights.forEach((w, i) => expect(w.equals(b.weights[i]), `weight ${i}`).toBe(true));
    a.slots.forEach((s, i) => expect(s.equals(b.slots[i]), `slot ${i}`).toBe(true));
    expect(a).toEqual(b);
    // The moments are named and ordered as tfjs's: <variable>/m for all, then <variable>/v.
    const [fw, sw] = [await fused.getWeights(), await stock.getWeights()];
    expect(fw.map((w) => w.name)).toEqual(["iter", ...fusedVars.map((v) => `${v.name}/m`), ...fusedVars.map((v) => `${v.name}/v`)]);
    expect(sw.length).toBe(fw.length);
    tf.dispose([fw[0].tensor, sw[0].tensor]);
    // And training moved the weights, so the comparison was not of untouched zeros.
    const initial = makeVariables(1);
    expect(a.weights.some((w, i) => !w.equals(bytes(initial[i])))).toBe(true);
    tf.dispose([...fusedVars, ...stockVars, ...initial]);
    fused.dispose();
    stock.dispose();
  });

  it("returns the gradients' norm from its one pass (double precision), and undefined when tfjs's step ran", () => {
    const variables = makeVariables(7);
    const gradients = Object.fromEntries(variables.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1 + i, "float32", 40 + i)]));
    let exact = 0;
    for (const g of Object.values(gradients)) for (const v of g.dataSync()) exact += v * v;
    const fused = new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON);
    const measured = fused.applyGradientsAndMeasure(gradients);
    expect(measured).toBeDefined();
    expect(measured).toBe(Math.fround(Math.sqrt(exact)));
    setActiveNativeKernels(null);
    expect(fused.applyGradientsAndMeasure(gradients)).toBeUndefined();
    expect(fused.iterations).toBe(2);
    tf.dispose([...variables, ...Object.values(gradients)]);
    fused.dispose();
  });

  it("takes gradients as a NamedTensor[] too", async () => {
    const { fusedVars, stockVars, fused, stock } = await sideBySide(5, { array: true });
    expect(await stateOf(fused, fusedVars)).toEqual(await stateOf(stock, stockVars));
    tf.dispose([...fusedVars, ...stockVars]);
    fused.dispose();
    stock.dispose();
  });

  it("is tfjs's own step when the native kernels are off, and equal to stock Adam", async () => {
    setActiveNativeKernels(null);
    const adam = vi.spyOn(addon, "adam");
    const { fusedVars, stockVars, fused, stock } = await sideBySide(8);
    expect(adam).not.toHaveBeenCalled();
    expect(await stateOf(fused, fusedVars)).toEqual(await stateOf(stock, stockVars));
    tf.dispose([...fusedVars, ...stockVars]);
    fused.dispose();
    stock.dispose();
  });

  it("leaves the tensor count and the backend's data flat over steps", () => {
    const variables = makeVariables(3);
    const fused = new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON);
    const backend = tf.backend();
    const counts: Array<[number, number]> = [];
    for (let step = 0; step < 10; step++) {
      const grads = gradients(step);
      fused.applyGradients(named(variables, grads));
      tf.dispose(grads);
      counts.push([tf.memory().numTensors, backend.numDataIds()]);
    }
    // The first step makes the moments; after it nothing is made or leaked.
    expect(new Set(counts.map((c) => c.join("/"))).size).toBe(1);
    tf.dispose(variables);
    fused.dispose();
  });

  it("writes in place only what nothing else holds: a live reshape of a weight keeps the old values, as with tfjs", async () => {
    const fusedVars = makeVariables(5);
    const stockVars = makeVariables(5);
    const fused = new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON);
    const stock: tf.Optimizer = tf.train.adam(LR, BETA1, BETA2, EPSILON);
    const before = bytes(fusedVars[3]);
    const fusedView = tf.reshape(fusedVars[3], [-1]);
    const stockView = tf.reshape(stockVars[3], [-1]);
    // wasm's Reshape shares the variable's bytes.
    expect(tf.backend().refCount(fusedVars[3].dataId)).toBe(2);
    const grads = gradients(1);
    fused.applyGradients(named(fusedVars, grads));
    stock.applyGradients(named(stockVars, grads));
    tf.dispose(grads);
    expect(bytes(fusedView).equals(before)).toBe(true);
    expect(bytes(stockView).equals(before)).toBe(true);
    expect(bytes(fusedVars[3]).equals(before)).toBe(false);
    expect(await stateOf(fused, fusedVars)).toEqual(await stateOf(stock, stockVars));
    tf.dispose([fusedView, stockView, ...fusedVars, ...stockVars]);
    fused.dispose();
    stock.dispose();
  });

  it("round-trips getWeights/setWeights, continuing as a stock Adam given the same weights", async () => {
    const { fusedVars: trainedVars, fused: trained, stockVars, stock } = await sideBySide(6);
    tf.dispose(stockVars);
    stock.dispose();
    // Two copies of the trained variables, one for a fresh fused Adam and one for a fresh stock Adam.
    const copy = () => trainedVars.map((v) => tf.tidy(() => tf.variable(tf.clone(v))));
    const [aVars, bVars] = [copy(), copy()];
    const a = new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON);
    const b: tf.Optimizer = tf.train.adam(LR, BETA1, BETA2, EPSILON);
    const saved = await trained.getWeights();
    // setWeights makes its variables from the given tensors, sharing their bytes with `trained`'s
    // moments: the fused step must not write through them.
    await a.setWeights(saved);
    await b.setWeights(saved);
    saved[0].tensor.dispose();
    const trainedBefore = await stateOf(trained, trainedVars);
    expect((await stateOf(a, aVars)).slots).toEqual(trainedBefore.slots);
    for (let step = 6; step < 12; step++) {
      const grads = gradients(step);
      a.applyGradients(named(aVars, grads));
      b.applyGradients(named(bVars, grads));
      tf.dispose(grads);
    }
    expect(await stateOf(a, aVars)).toEqual(await stateOf(b, bVars));
    expect(await stateOf(trained, trainedVars)).toEqual(trainedBefore);
    tf.dispose([...trainedVars, ...aVars, ...bVars]);
    [trained, a, b].forEach((o) => o.dispose());
  });
});

describe("FusedAdamOptimizer checkpoints", () => {
  function buildNets(seed: number): Nets {
    const encoder = tf.sequential({
      name: "encoder",
      layers: [seededDense("encoder_dense_0", 19, seed, { inputShape: [6] }), seededDense("encoder_dense_1", 3, seed + 10)],
    });
    const decoder = tf.sequential({
      name: "decoder",
      layers: [seededDense("decoder_dense_0", 8, seed + 20, { inputShape: [3] }), seededDense("decoder_dense_1", 6, seed + 30, { activation: "linear" })],
    });
    return { encoder, decoder };
  }

  const optimizers = (kind: "fused" | "stock"): Optimizers => {
    const make = () => (kind === "fused" ? new FusedAdamOptimizer(LR, BETA1, BETA2, EPSILON) : tf.train.adam(LR, BETA1, BETA2, EPSILON));
    return { encoder: make(), decoder: make() };
  };

  const weightBytes = (nets: Nets) => [...nets.encoder.weights, ...nets.decoder.weights].map((w) => bytes(w.read()));

  for (const [from, into] of [
    ["fused", "fused"],
    ["fused", "stock"],
    ["stock", "fused"],
  ] as const) {
    it(`a checkpoint saved from ${from} Adam continues bit-identically in a fresh ${into} Adam`, async () => {
      const input = reconBatch();
      const nets = buildNets(1);
      const opts = optimizers(from);
      for (let i = 0; i < 7; i++) reconStep(nets, opts, input);
      const runDir = mkdtempSync(join(tmpdir(), "fused-adam-"));
      await saveCheckpoint(runDir, { models: { ...nets }, optimizers: { ...opts }, state: { epoch: 1, step: 7, extra: {} } });
      for (let i = 0; i < 6; i++) reconStep(nets, opts, input);

      const fresh = buildNets(2);
      const freshOpts = optimizers(into);
      await loadCheckpoint(runDir, { models: { ...fresh }, optimizers: { ...freshOpts } });
      for (let i = 0; i < 6; i++) reconStep(fresh, freshOpts, input);

      const [a, b] = [weightBytes(nets), weightBytes(fresh)];
      a.forEach((w, i) => expect(w.equals(b[i]), `weight ${i}`).toBe(true));
      for (const name of ["encoder", "decoder"] as const) {
        const [sa, sb] = [await opts[name].getWeights(), await freshOpts[name].getWeights()];
        expect(sb.slice(1).map((s) => bytes(s.tensor))).toEqual(sa.slice(1).map((s) => bytes(s.tensor)));
        expect(bytes((freshOpts[name] as unknown as AdamInternals).accBeta1)).toEqual(bytes((opts[name] as unknown as AdamInternals).accBeta1));
        expect(freshOpts[name].iterations).toBe(opts[name].iterations);
        tf.dispose([sa[0].tensor, sb[0].tensor]);
      }
      input.dispose();
      for (const n of [nets, fresh]) Object.values(n).forEach((m) => m.dispose());
      for (const o of [opts, freshOpts]) Object.values(o).forEach((m) => m.dispose());
    });
  }
});

describe("FusedAdamOptimizer in trainStep", () => {
  /** Runs a small variant for a few steps with the project's optimizers or stock Adam; per-step losses and final weights. */
  async function run(config: RunConfig, kind: "fused" | "stock", steps: number) {
    const variant = buildVariant(config, SHAPE, streamFor(config.seed, "weights"));
    const optimizers =
      kind === "fused"
        ? buildOptimizers(variant, config.train)
        : (Object.fromEntries(
            (Object.keys(variant.networks) as NetworkName[]).map((n) => {
              // buildOptimizers' choice of hyperparameters, with tfjs's own Adam.
              const own = config.train.optimizers[n] ?? {};
              return [n, tf.train.adam(own.lr ?? config.train.lr, ...(own.betas ?? config.train.betas))];
            }),
          ) as Partial<Record<NetworkName, tf.Optimizer>>);
    if (kind === "fused")
      // isFusedAdam, not toBeInstanceOf: tf.Optimizer's Symbol.hasInstance accepts any optimizer.
      for (const o of Object.values(optimizers)) expect(isFusedAdam(o!)).toBe(kind === "fused");
    const runners = phaseRunners(variant);
    const noise = new Rng("fused-adam-noise");
    const sums = new ScalarAccumulator();
    const state = { signals: new Map<string, number>() };
    const x = batch();
    const losses: Array<Record<string, number>> = [];
    for (let step = 0; step < steps; step++) {
      await trainStep(variant, runners, optimizers, x, seededNoise(noise), step, state, sums);
      losses.push(Object.fromEntries((await sums.drain()).means));
    }
    const weights = Object.values(variant.networks).flatMap((m) => m!.getWeights().map(bytes));
    x.dispose();
    sums.dispose();
    Object.values(optimizers).forEach((o) => o?.dispose());
    variant.dispose();
    return { losses, weights };
  }

  for (const name of ["vae", "vaegan"] as const) {
    it(`${name}: the same losses and weights with fused and with stock Adam`, async () => {
      const config = smallConfig(name, { train: { lr: 3e-3, betas: [0.8, 0.99] } });
      const adam = vi.spyOn(addon, "adam");
      const fused = await run(config, "fused", 6);
      expect(adam.mock.calls.length).toBeGreaterThanOrEqual(6);
      const stock = await run(config, "stock", 6);
      expect(Object.keys(fused.losses[0]).length).toBeGreaterThan(0);
      expect(fused.losses).toEqual(stock.losses);
      expect(fused.weights.length).toBe(stock.weights.length);
      fused.weights.forEach((w, i) => expect(w.equals(stock.weights[i]), `weight ${i}`).toBe(true));
    });
  }
});
