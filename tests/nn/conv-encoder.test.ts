import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { buildConvEncoder, buildEncoder } from "../../src/nn/index.js";
import { Rng } from "../../src/random/rng.js";
import { BATCH, describeShape, expectGradientsReachAll, expectNoLeak, images, layerSummary, MNIST, modelSpec, SHAPES, weightValues } from "./helpers.js";

const LATENT = 6;
const convSpec = (extra: Record<string, unknown> = {}) => {
  const encoder = modelSpec({ encoder: { type: "conv", ...extra } }).encoder;
  if (encoder.type !== "conv") throw new Error("expected a conv encoder spec");
  return encoder;
};

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("conv encoder", () => {
  for (const shape of SHAPES) {
    it(`maps ${describeShape(shape)} images to a code, or a mean and log-variance`, () => {
      const x = images(shape);
      for (const gaussian of [false, true]) {
        const encoder = buildConvEncoder(convSpec(), shape, LATENT, gaussian, new Rng(1));
        const { embedding, logVariance } = encoder.encode(x);
        expect(embedding.shape).toEqual([BATCH, LATENT]);
        expect(logVariance?.shape).toEqual(gaussian ? [BATCH, LATENT] : undefined);
        expect(encoder.gaussian).toBe(gaussian);
        tf.dispose([embedding, logVariance ?? []]);
        encoder.model.dispose();
      }
      x.dispose();
    });
  }

  it("has the TF CVAE tutorial's layers by default ('same' padding: 28 -> 14 -> 7)", () => {
    const encoder = buildConvEncoder(convSpec(), MNIST, LATENT, true, new Rng(1));
    expect(layerSummary(encoder.model)).toEqual([
      ["InputLayer"],
      ["Conv2D", 32, [3, 3], [2, 2], "same", "linear", [null, 14, 14, 32]],
      ["Activation", "relu"],
      ["Conv2D", 64, [3, 3], [2, 2], "same", "linear", [null, 7, 7, 64]],
      ["Activation", "relu"],
      ["Flatten"],
      ["Dense", LATENT, "linear"],
      ["Dense", LATENT, "linear"],
    ]);
    expect(encoder.model.layers.map((l) => l.name)).toEqual([
      "encoder_input",
      "encoder_conv_0",
      "encoder_conv_relu_0",
      "encoder_conv_1",
      "encoder_conv_relu_1",
      "encoder_flatten",
      "encoder_mean",
      "encoder_log_variance",
    ]);
    encoder.model.dispose();
  });

  it("follows the spec: filters, kernel, strides, activation, dense hidden layers", () => {
    const spec = convSpec({ filters: [8, 16, 4], kernel: 5, strides: 1, activation: "leakyRelu", hidden: [12] });
    const encoder = buildConvEncoder(spec, MNIST, LATENT, false, new Rng(1));
    const summary = layerSummary(encoder.model);
    expect(summary.filter((l) => l[0] === "Conv2D")).toEqual([
      ["Conv2D", 8, [5, 5], [1, 1], "same", "linear", [null, 28, 28, 8]],
      ["Conv2D", 16, [5, 5], [1, 1], "same", "linear", [null, 28, 28, 16]],
      ["Conv2D", 4, [5, 5], [1, 1], "same", "linear", [null, 28, 28, 4]],
    ]);
    expect(summary.filter((l) => l[0] === "LeakyReLU")).toHaveLength(4);
    expect(summary.slice(-4)).toEqual([["Flatten"], ["Dense", 12, "linear"], ["LeakyReLU", 0.2], ["Dense", LATENT, "linear"]]);
    encoder.model.dispose();
  });

  it("is built by buildEncoder for type conv, with model.latent.size", () => {
    const model = modelSpec({ encoder: { type: "conv" }, latent: { size: 5 } });
    const encoder = buildEncoder(model, MNIST, true, new Rng(1));
    expect(encoder.latentSize).toBe(5);
    expect(encoder.model.layers.some((l) => l.getClassName() === "Conv2D")).toBe(true);
    expect(encoder.model.outputs.map((o) => o.shape)).toEqual([
      [null, 5],
      [null, 5],
    ]);
    encoder.model.dispose();
  });

  it("draws its initial weights from the seed", () => {
    const build = (seed: number) => buildConvEncoder(convSpec({ hidden: [8] }), MNIST, LATENT, true, new Rng(seed));
    const [a, b, c] = [build(1), build(1), build(2)];
    expect(weightValues(b.model)).toEqual(weightValues(a.model));
    const [wa, wc] = [weightValues(a.model), weightValues(c.model)];
    // every kernel differs under another seed (biases start at zero in both)
    a.model.weights.forEach((w, i) => {
      if (w.name.includes("kernel")) expect(wc[i]).not.toEqual(wa[i]);
    });
    [a, b, c].forEach((e) => e.model.dispose());
  });

  it("passes gradients to every trainable variable, through both heads", () => {
    const encoder = buildConvEncoder(convSpec({ hidden: [8] }), MNIST, LATENT, true, new Rng(1));
    const x = images(MNIST);
    expectGradientsReachAll(encoder.model, () => {
      const { embedding, logVariance } = encoder.encode(x);
      return embedding.square().sum().add(logVariance!.square().sum()) as tf.Scalar;
    });
    x.dispose();
    encoder.model.dispose();
  });

  it("leaks no tensor over repeated encodes", () => {
    const encoder = buildConvEncoder(convSpec(), MNIST, LATENT, true, new Rng(1));
    const x = images(MNIST);
    expectNoLeak(() => {
      const { embedding, logVariance } = encoder.encode(x);
      return [embedding, logVariance!];
    });
    x.dispose();
    encoder.model.dispose();
  });
});
