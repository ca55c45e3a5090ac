import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, expect } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { runConfigSchema, type NetworkName, type RunConfig } from "../../src/config/schema.js";
import { buildVariant, type Variant, type VariantExtras } from "../../src/models/index.js";
import { streamFor, Rng } from "../../src/random/rng.js";
import { ScalarAccumulator } from "../../src/train/accumulator.js";
import { seededNoise } from "../../src/train/noise.js";
import { buildOptimizers } from "../../src/train/optimizers.js";
import { phaseRunners, trainStep } from "../../src/train/step.js";

export const SHAPE = { height: 28, width: 28, channels: 1 };

/** A small config of any variant, MLP networks, sized for fast tests. */
export function smallConfig(
  variant: RunConfig["model"]["variant"],
  extra: { adversarial?: Record<string, unknown>; model?: Record<string, unknown>; train?: Record<string, unknown> } = {},
): RunConfig {
  return runConfigSchema.parse({
    seed: 11,
    model: {
      variant,
      recon: variant === "vaegan" ? "feature" : "mse",
      encoder: { hidden: [32] },
      decoder: { hidden: [32] },
      discriminator: { hidden: [32, 16] },
      latentDiscriminator: { hidden: [16] },
      latent: { size: 3 },
      ...extra.model,
    },
    adversarial: extra.adversarial ?? {},
    train: { lr: 1e-3, ...extra.train },
  });
}

/** A fixed batch of smooth random images in [0, 1]. */
export function batch(n = 8, seed = 5): tf.Tensor4D {
  return tf.tidy(() => tf.sigmoid(tf.randomNormal([n, 28, 28, 1], 0, 2, "float32", seed)) as tf.Tensor4D);
}

export interface Harness {
  variant: Variant;
  optimizers: ReturnType<typeof buildOptimizers>;
  /** One training step of only the named phases (all phases if none named). */
  step(x: tf.Tensor4D, phases?: string[], stepIndex?: number): Promise<void>;
  snapshot(): Record<string, Float32Array[]>;
  dispose(): void;
}

export function harness(config: RunConfig, extras: VariantExtras = {}): Harness {
  const variant = buildVariant(config, SHAPE, streamFor(config.seed, "weights"), extras);
  const optimizers = buildOptimizers(variant, config.train);
  const runners = phaseRunners(variant);
  const noiseRng = new Rng("harness-noise");
  const sums = new ScalarAccumulator();
  return {
    variant,
    optimizers,
    async step(x, phases, stepIndex = 0) {
      const chosen = phases ? runners.filter((r) => phases.includes(r.phase.name)) : runners;
      await trainStep(variant, chosen, optimizers, x, seededNoise(noiseRng), stepIndex, { signals: new Map() }, sums);
    },
    snapshot() {
      const out: Record<string, Float32Array[]> = {};
      for (const [name, model] of Object.entries(variant.networks) as Array<[NetworkName, tf.LayersModel]>) {
        out[name] = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
      }
      return out;
    },
    dispose() {
      sums.dispose();
      for (const o of Object.values(optimizers)) o?.dispose();
      variant.dispose();
    },
  };
}

export function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((w, i) => w.length === b[i].length && w.every((v, j) => Object.is(v, b[i][j])));
}

/** Counts every network's forward passes from now on: the returned record fills as the networks run. */
export function countForwardPasses(h: Harness): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [network, model] of Object.entries(h.variant.networks)) {
    const apply = model!.apply.bind(model);
    calls[network] = 0;
    model!.apply = ((...args: Parameters<typeof apply>) => {
      calls[network]++;
      return apply(...args);
    }) as typeof model.apply;
  }
  return calls;
}

/** Runs each phase alone and checks that it moves exactly the networks it trains. */
export async function expectEachPhaseMovesOnlyItsNetworks(h: Harness, x: tf.Tensor4D, stepIndex = 0): Promise<void> {
  for (const phase of h.variant.phases) {
    const before = h.snapshot();
    await h.step(x, [phase.name], stepIndex);
    const after = h.snapshot();
    for (const network of Object.keys(before)) {
      expect(!sameWeights(before[network], after[network]), `${phase.name} moved ${network}`).toBe((phase.trains as string[]).includes(network));
    }
  }
}

/** A noise source that gives the same draws to every caller that starts it afresh. */
export function fixedNoise() {
  let i = 0;
  return {
    normal: (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", 100 + i++),
    uniform: (shape: number[]) => tf.randomUniform(shape, 0, 1, "float32", 100 + i++),
  };
}

/**
 * For a test file of harnesses: selects the wasm backend before its tests and disposes, after each test,
 * every harness passed through the returned function.
 */
export function disposeAfterEach(): (h: Harness) => Harness {
  let open: Harness[] = [];
  beforeAll(async () => {
    await selectBackend("wasm");
  });
  afterEach(() => {
    for (const h of open) h.dispose();
    open = [];
  });
  return (h) => {
    open.push(h);
    return h;
  };
}
