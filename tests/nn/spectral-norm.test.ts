import * as tf from "@tensorflow/tfjs";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { runConfigSchema } from "../../src/config/schema.js";
import { buildConvDiscriminator } from "../../src/nn/conv-discriminator.js";
import { buildSpectralMlpDiscriminator } from "../../src/nn/spectral-mlp-discriminator.js";
import { advanceSpectralNorm, powerIteration } from "../../src/nn/spectral-norm.js";
import type { Discriminator } from "../../src/nn/modules.js";
import { Rng } from "../../src/random/rng.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const SHAPE = { height: 28, width: 28, channels: 1 };

/** The largest singular value of a [rows, cols] matrix, by ml-matrix's SVD in float64. */
function largestSingularValue(values: Float32Array | number[], rows: number, cols: number): number {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, values[i * cols + j]);
  return Math.max(...new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal);
}

/** Every spectrally normalised layer: its kernel as a (fan-in x units) matrix and its u. */
function spectralLayers(d: Discriminator) {
  return d.model.layers
    .filter((l) => l.getClassName().startsWith("AelabSpectral"))
    .map((l) => {
      const [kernel, , u] = l.getWeights();
      const units = kernel.shape[kernel.shape.length - 1];
      // getWeights gives the layer's own variables: copies, so disposing them leaves the layer intact.
      return { name: l.name, kernel: tf.reshape(kernel, [-1, units]) as tf.Tensor2D, u: tf.clone(u) as tf.Tensor1D };
    });
}

/** A forward and backward pass as in training. */
function trainingPass(d: Discriminator, x: tf.Tensor4D): void {
  const vars = d.model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.tidy(() => tf.variableGrads(() => tf.sum(d.discriminate(x).logit) as tf.Scalar, vars));
}

it("powerIteration: sigma converges to the largest singular value (ml-matrix SVD)", () => {
  const w = tf.randomNormal([12, 7], 0, 1, "float32", 4) as tf.Tensor2D;
  let u = tf.randomNormal([7], 0, 1, "float32", 5) as tf.Tensor1D;
  let sigma = 0;
  for (let i = 0; i < 200; i++) {
    const step = powerIteration(w, u);
    u.dispose();
    u = step.u;
    sigma = step.sigma.dataSync()[0];
    step.sigma.dispose();
  }
  expect(sigma / largestSingularValue(w.dataSync() as Float32Array, 12, 7)).toBeCloseTo(1, 4);
  tf.dispose([w, u]);
});

describe("spectrally normalised discriminators", () => {
  const builds: Array<[string, () => Discriminator]> = [
    [
      "conv, dense head",
      () =>
        buildConvDiscriminator(
          runConfigSchema.parse({ model: { variant: "vae+gan", discriminator: { type: "conv", filters: [4, 8], hidden: [6], spectralNorm: true } } }).model
            .discriminator as never,
          SHAPE,
          new Rng(1),
        ),
    ],
    [
      "conv, patch head",
      () =>
        buildConvDiscriminator(
          runConfigSchema.parse({ model: { variant: "vae+gan", discriminator: { type: "conv", filters: [4, 8], spectralNorm: true, head: "patch" } } }).model
            .discriminator as never,
          SHAPE,
          new Rng(2),
        ),
    ],
    [
      "mlp",
      () => buildSpectralMlpDiscriminator({ type: "mlp", hidden: [16, 8], activation: "leakyRelu", featureLayer: -1, spectralNorm: true }, SHAPE, new Rng(3)),
    ],
  ];
  for (const [label, build] of builds) {
    it(`${label}: after power iteration each layer's kernel / sigma has largest singular value ≈ 1 (SVD); forward passes leave u alone`, () => {
      const d = build();
      const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 6) as tf.Tensor4D;
      const layers0 = spectralLayers(d);
      expect(layers0.length).toBeGreaterThanOrEqual(3);
      tf.dispose(layers0.flatMap((l) => [l.kernel, l.u]));

      for (let i = 0; i < 300; i++) advanceSpectralNorm(d.model);
      const before = spectralLayers(d);
      tf.tidy(() => d.discriminate(x).logit).dispose();
      trainingPass(d, x);
      const after = spectralLayers(d);
      before.forEach((l, i) => expect(Array.from(after[i].u.dataSync())).toEqual(Array.from(l.u.dataSync())));

      for (const { name, kernel, u } of after) {
        const [rows, cols] = kernel.shape;
        const sigma = tf.tidy(() => powerIteration(kernel, u).sigma.dataSync()[0]);
        const normalised = Array.from(kernel.dataSync(), (v) => v / sigma);
        expect(largestSingularValue(normalised, rows, cols), name).toBeCloseTo(1, 3);
      }
      tf.dispose([x, ...before.flatMap((l) => [l.kernel, l.u]), ...after.flatMap((l) => [l.kernel, l.u])]);
      d.model.dispose();
    });
  }

  it("the patch head gives one logit per patch; advanceSpectralNorm moves u; the gradient reaches every kernel", () => {
    const spec = runConfigSchema.parse({ model: { variant: "vae+gan", discriminator: { type: "conv", filters: [4, 8], spectralNorm: true, head: "patch" } } })
      .model.discriminator;
    const d = buildConvDiscriminator(spec as never, SHAPE, new Rng(2));
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 6) as tf.Tensor4D;
    const logit = tf.tidy(() => d.discriminate(x).logit);
    expect(logit.shape).toEqual([3, 7 * 7]);
    const u0 = spectralLayers(d)[0].u.dataSync().slice();
    const vars = d.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const grads = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(d.discriminate(x).logit) as tf.Scalar, vars);
      return vars.map((v) => tf.keep(grads[v.name]));
    });
    expect(grads.every((g) => g !== undefined)).toBe(true);
    expect(Array.from(spectralLayers(d)[0].u.dataSync())).toEqual(Array.from(u0));
    advanceSpectralNorm(d.model);
    expect(Array.from(spectralLayers(d)[0].u.dataSync())).not.toEqual(Array.from(u0));
    const names = d.model.nonTrainableWeights.map((w) => w.name);
    expect(
      names.every((n) => /\/u(_\d+)?$/.test(n)),
      names.join(", "),
    ).toBe(true);
    tf.dispose([x, logit, ...grads]);
    d.model.dispose();
  });
});
