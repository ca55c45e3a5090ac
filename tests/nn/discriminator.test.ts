import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import type { DiscriminatorSpec } from "../../src/config/schema.js";
import { buildConvDiscriminator, buildDiscriminator, buildMlpDiscriminator, type Discriminator, type ImageShape } from "../../src/nn/index.js";
import { Rng } from "../../src/random/rng.js";
import {
  BATCH,
  CIFAR,
  describeShape,
  expectGradientsReachAll,
  expectNoLeak,
  images,
  layerOutput,
  layerSummary,
  MNIST,
  modelSpec,
  variablesWithGradient,
  weightValues,
} from "./helpers.js";

const spec = (discriminator: Record<string, unknown>): DiscriminatorSpec => modelSpec({ discriminator }).discriminator;
const build = (s: DiscriminatorSpec, shape: ImageShape, seed = 1): Discriminator => buildDiscriminator(modelSpec({ discriminator: s }), shape, new Rng(seed));

/** Runs the discriminator and reads both outputs back. */
function run(d: Discriminator, x: tf.Tensor4D): { logit: number[]; features: Float32Array; featureShape: number[]; logitShape: number[] } {
  const { logit, features } = d.discriminate(x);
  const out = { logit: Array.from(logit.dataSync()), features: features.dataSync() as Float32Array, featureShape: features.shape, logitShape: logit.shape };
  tf.dispose([logit, features]);
  return out;
}

beforeAll(async () => {
  await selectBackend("wasm");
});

// [type, extra spec, shape, expected features size per featureLayer (index = featureLayer >= 0)]
const CASES: [string, Record<string, unknown>, ImageShape, number[]][] = [
  ["mlp", { hidden: [24, 16] }, MNIST, [24, 16]],
  ["mlp", { hidden: [24, 16] }, CIFAR, [24, 16]],
  // 'same' strided convs: 28 -> 14 -> 7 -> 4; 32 -> 16 -> 8 -> 4
  ["conv", {}, MNIST, [14 * 14 * 32, 7 * 7 * 64, 4 * 4 * 128]],
  ["conv", {}, CIFAR, [16 * 16 * 32, 8 * 8 * 64, 4 * 4 * 128]],
  ["conv", { filters: [8, 16], hidden: [10] }, CIFAR, [16 * 16 * 8, 8 * 8 * 16]],
];

describe("pixel discriminators (mlp, conv)", () => {
  for (const [type, extra, shape, sizes] of CASES) {
    it(`${type} ${JSON.stringify(extra)} on ${describeShape(shape)}: logit [b, 1], features of each featureLayer`, () => {
      const x = images(shape);
      for (let layer = -sizes.length; layer < sizes.length; layer++) {
        const d = build(spec({ type, ...extra, featureLayer: layer }), shape);
        const out = run(d, x);
        expect(out.logitShape).toEqual([BATCH, 1]);
        expect(out.featureShape).toEqual([BATCH, sizes[layer < 0 ? sizes.length + layer : layer]]);
        d.model.dispose();
      }
      x.dispose();
    });
  }

  it("defaults to the last layer, and -1 gives the same tensor as the explicit last index", () => {
    const x = images(MNIST);
    for (const [type, last] of [
      ["mlp", 1],
      ["conv", 2],
    ] as const) {
      const extra = type === "mlp" ? { hidden: [24, 16] } : {};
      const byDefault = run(build(spec({ type, ...extra }), MNIST), x);
      const minusOne = run(build(spec({ type, ...extra, featureLayer: -1 }), MNIST), x);
      const explicit = run(build(spec({ type, ...extra, featureLayer: last }), MNIST), x);
      const first = run(build(spec({ type, ...extra, featureLayer: 0 }), MNIST), x);
      expect(minusOne.features).toEqual(explicit.features);
      expect(byDefault.features).toEqual(explicit.features);
      expect(first.features).not.toEqual(explicit.features.slice(0, first.features.length));
      // the feature layer changes what is tapped, not the network: same logit
      expect(first.logit).toEqual(explicit.logit);
    }
    x.dispose();
  });

  it("features are the flattened activations (after the activation function) of the chosen layer", () => {
    const x = images(MNIST);
    const cases: [DiscriminatorSpec, string][] = [
      [spec({ type: "conv", featureLayer: 0 }), "discriminator_conv_leakyRelu_0"],
      [spec({ type: "conv", featureLayer: -2 }), "discriminator_conv_leakyRelu_1"],
      [spec({ type: "conv", featureLayer: 2 }), "discriminator_conv_leakyRelu_2"],
      [spec({ type: "mlp", hidden: [24, 16], featureLayer: 0, activation: "tanh" }), "discriminator_tanh_0"],
      [spec({ type: "mlp", hidden: [24, 16], featureLayer: -1 }), "discriminator_leakyRelu_1"],
    ];
    for (const [s, layerName] of cases) {
      const d = build(s, MNIST);
      const expected = tf.tidy(() => layerOutput(d.model, layerName, x).reshape([BATCH, -1]).dataSync());
      expect(run(d, x).features).toEqual(expected);
      d.model.dispose();
    }
    x.dispose();
  });

  it("refuses an out-of-range featureLayer, naming the key and the valid range", () => {
    expect(() => build(spec({ type: "conv", featureLayer: 3 }), MNIST)).toThrow(
      "model.discriminator.featureLayer must be in [-3, 2] (the discriminator has 3 conv layers; got 3)",
    );
    expect(() => build(spec({ type: "conv", featureLayer: -4 }), MNIST)).toThrow(/featureLayer must be in \[-3, 2\].*got -4/);
    expect(() => build(spec({ type: "mlp", hidden: [24, 16], featureLayer: 2 }), MNIST)).toThrow(
      "model.discriminator.featureLayer must be in [-2, 1] (the discriminator has 2 hidden layers; got 2)",
    );
    expect(() => build(spec({ type: "mlp", hidden: [24, 16], featureLayer: -3 }), MNIST)).toThrow(/\[-2, 1\]/);
  });

  it("the conv preset is DCGAN-like: strided 'same' convs with leaky ReLU, flatten, dense logit, no batch norm", () => {
    const d = buildConvDiscriminator(spec({ type: "conv" }) as Extract<DiscriminatorSpec, { type: "conv" }>, MNIST, new Rng(1));
    expect(layerSummary(d.model)).toEqual([
      ["InputLayer"],
      ["Conv2D", 32, [3, 3], [2, 2], "same", "linear", [null, 14, 14, 32]],
      ["LeakyReLU", 0.2],
      ["Conv2D", 64, [3, 3], [2, 2], "same", "linear", [null, 7, 7, 64]],
      ["LeakyReLU", 0.2],
      ["Conv2D", 128, [3, 3], [2, 2], "same", "linear", [null, 4, 4, 128]],
      ["LeakyReLU", 0.2],
      ["Flatten"],
      ["Dense", 1, "linear"],
    ]);
    d.model.dispose();
    const mlp = buildMlpDiscriminator(spec({ type: "mlp" }) as Extract<DiscriminatorSpec, { type: "mlp" }>, MNIST, new Rng(1));
    expect(layerSummary(mlp.model)).toEqual([
      ["InputLayer"],
      ["Flatten"],
      ["Dense", 512, "linear"],
      ["LeakyReLU", 0.2],
      ["Dense", 256, "linear"],
      ["LeakyReLU", 0.2],
      ["Dense", 1, "linear"],
    ]);
    mlp.model.dispose();
  });

  for (const type of ["mlp", "conv"] as const) {
    const s = spec(type === "mlp" ? { type, hidden: [24, 16] } : { type, hidden: [10] });

    it(`${type}: draws its initial weights from the seed`, () => {
      const [a, b, c] = [build(s, CIFAR, 1), build(s, CIFAR, 1), build(s, CIFAR, 2)];
      expect(weightValues(b.model)).toEqual(weightValues(a.model));
      const [wa, wc] = [weightValues(a.model), weightValues(c.model)];
      a.model.weights.forEach((w, i) => {
        if (w.name.includes("kernel")) expect(wc[i]).not.toEqual(wa[i]);
      });
      [a, b, c].forEach((d) => d.model.dispose());
    });

    it(`${type}: the logit's gradient reaches every trainable variable; the features' only the layers up to featureLayer`, () => {
      const d = build({ ...s, featureLayer: 0 }, CIFAR);
      const x = images(CIFAR);
      expectGradientsReachAll(d.model, () => d.discriminate(x).logit.square().sum() as tf.Scalar);
      const first = type === "mlp" ? "discriminator_dense_0" : "discriminator_conv_0";
      const upstream = d.model
        .getLayer(first)
        .trainableWeights.map((w) => (w.read() as tf.Variable).name)
        .sort();
      expect(variablesWithGradient(d.model, () => d.discriminate(x).features.square().sum() as tf.Scalar)).toEqual(upstream);
      x.dispose();
      d.model.dispose();
    });

    it(`${type}: leaks no tensor over repeated calls`, () => {
      const d = build({ ...s, featureLayer: 0 }, CIFAR);
      const x = images(CIFAR);
      expectNoLeak(() => {
        const { logit, features } = d.discriminate(x);
        return [logit, features];
      });
      x.dispose();
      d.model.dispose();
    });
  }
});
