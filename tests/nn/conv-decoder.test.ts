import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { buildConvDecoder, buildDecoder, decoderStartSize } from "../../src/nn/index.js";
import { Rng } from "../../src/random/rng.js";
import { BATCH, codes, describeShape, expectGradientsReachAll, expectNoLeak, layerSummary, MNIST, modelSpec, SHAPES, weightValues } from "./helpers.js";

const LATENT = 6;
const convSpec = (extra: Record<string, unknown> = {}) => {
  const decoder = modelSpec({ decoder: { type: "conv", ...extra } }).decoder;
  if (decoder.type !== "conv") throw new Error("expected a conv decoder spec");
  return decoder;
};

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("conv decoder", () => {
  for (const shape of [...SHAPES, { height: 28, width: 32, channels: 2 }]) {
    it(`maps codes to logits of exactly ${describeShape(shape)}`, () => {
      const decoder = buildConvDecoder(convSpec(), shape, LATENT, new Rng(1));
      const z = codes(LATENT);
      const logits = decoder.decode(z);
      expect(logits.shape).toEqual([BATCH, shape.height, shape.width, shape.channels]);
      expect(decoder.shape).toEqual(shape);
      tf.dispose([z, logits]);
      decoder.model.dispose();
    });
  }

  it("has the TF CVAE tutorial's layers by default: dense to 7x7x32, deconv 64/s2, 32/s2, 1/s1, logits", () => {
    const decoder = buildConvDecoder(convSpec(), MNIST, LATENT, new Rng(1));
    expect(layerSummary(decoder.model)).toEqual([
      ["InputLayer"],
      ["Dense", 7 * 7 * 32, "linear"],
      ["Activation", "relu"],
      ["Reshape", [7, 7, 32]],
      ["Conv2DTranspose", 64, [3, 3], [2, 2], "same", "linear", [null, 14, 14, 64]],
      ["Activation", "relu"],
      ["Conv2DTranspose", 32, [3, 3], [2, 2], "same", "linear", [null, 28, 28, 32]],
      ["Activation", "relu"],
      // the last layer is the output: logits, no sigmoid
      ["Conv2DTranspose", 1, [3, 3], [1, 1], "same", "linear", [null, 28, 28, 1]],
    ]);
    expect(decoder.model.outputs[0].sourceLayer.name).toBe("decoder_logits");
    decoder.model.dispose();
  });

  it("starts from the data's size / strides^filters.length", () => {
    expect(decoderStartSize(convSpec(), MNIST)).toEqual({ height: 7, width: 7 });
    expect(decoderStartSize(convSpec(), { height: 32, width: 32, channels: 3 })).toEqual({ height: 8, width: 8 });
    expect(decoderStartSize(convSpec({ filters: [16, 16, 16] }), { height: 32, width: 64, channels: 3 })).toEqual({ height: 4, width: 8 });
    expect(decoderStartSize(convSpec({ strides: 1 }), { height: 30, width: 30, channels: 1 })).toEqual({ height: 30, width: 30 });
  });

  it("refuses, naming model.decoder, a size the strides do not divide", () => {
    expect(() => buildConvDecoder(convSpec(), { height: 30, width: 30, channels: 1 }, LATENT, new Rng(1))).toThrow(
      /^model\.decoder: a 30x30 image is not divisible by strides\^filters\.length = 2\^2 = 4/,
    );
    expect(() => buildConvDecoder(convSpec({ filters: [8, 8, 8] }), MNIST, LATENT, new Rng(1))).toThrow(/28x28 .* = 2\^3 = 8/);
    expect(() => buildConvDecoder(convSpec(), { height: 28, width: 30, channels: 1 }, LATENT, new Rng(1))).toThrow(/model\.decoder/);
  });

  it("is built by buildDecoder for type conv, with model.latent.size", () => {
    const decoder = buildDecoder(modelSpec({ decoder: { type: "conv" }, latent: { size: 5 } }), MNIST, new Rng(1));
    expect(decoder.model.inputs[0].shape).toEqual([null, 5]);
    expect(decoder.model.layers.some((l) => l.getClassName() === "Conv2DTranspose")).toBe(true);
    decoder.model.dispose();
  });

  it("draws its initial weights from the seed", () => {
    const build = (seed: number) => buildConvDecoder(convSpec(), MNIST, LATENT, new Rng(seed));
    const [a, b, c] = [build(1), build(1), build(2)];
    expect(weightValues(b.model)).toEqual(weightValues(a.model));
    const [wa, wc] = [weightValues(a.model), weightValues(c.model)];
    a.model.weights.forEach((w, i) => {
      if (w.name.includes("kernel")) expect(wc[i]).not.toEqual(wa[i]);
    });
    [a, b, c].forEach((d) => d.model.dispose());
  });

  it("passes gradients to every trainable variable", () => {
    const decoder = buildConvDecoder(convSpec(), MNIST, LATENT, new Rng(1));
    const z = codes(LATENT);
    expectGradientsReachAll(decoder.model, () => decoder.decode(z).square().sum() as tf.Scalar);
    z.dispose();
    decoder.model.dispose();
  });

  it("leaks no tensor over repeated decodes", () => {
    const decoder = buildConvDecoder(convSpec(), MNIST, LATENT, new Rng(1));
    const z = codes(LATENT);
    expectNoLeak(() => decoder.decode(z));
    z.dispose();
    decoder.model.dispose();
  });
});
