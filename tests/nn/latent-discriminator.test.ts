import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { buildLatentDiscriminator } from "../../src/nn/index.js";
import { Rng } from "../../src/random/rng.js";
import { BATCH, codes, expectGradientsReachAll, expectNoLeak, layerSummary, modelSpec, weightValues } from "./helpers.js";

const model = (latentDiscriminator: Record<string, unknown> = {}, size = 8) => modelSpec({ latentDiscriminator, latent: { size } });

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("latent discriminator", () => {
  it("maps codes of model.latent.size to one logit through the default 256-256 leaky ReLU MLP", () => {
    const d = buildLatentDiscriminator(model({}, 8), new Rng(1));
    expect(layerSummary(d.model)).toEqual([
      ["InputLayer"],
      ["Dense", 256, "linear"],
      ["LeakyReLU", 0.2],
      ["Dense", 256, "linear"],
      ["LeakyReLU", 0.2],
      ["Dense", 1, "linear"],
    ]);
    const z = codes(8);
    const logit = d.discriminate(z);
    expect(logit.shape).toEqual([BATCH, 1]);
    tf.dispose([z, logit]);
    d.model.dispose();
  });

  it("follows the spec's hidden widths and activation", () => {
    const d = buildLatentDiscriminator(model({ hidden: [16], activation: "elu" }, 2), new Rng(1));
    expect(layerSummary(d.model)).toEqual([["InputLayer"], ["Dense", 16, "linear"], ["Activation", "elu"], ["Dense", 1, "linear"]]);
    expect(d.model.inputs[0].shape).toEqual([null, 2]);
    d.model.dispose();
  });

  it("draws its initial weights from the seed", () => {
    const build = (seed: number) => buildLatentDiscriminator(model({ hidden: [16, 16] }), new Rng(seed));
    const [a, b, c] = [build(1), build(1), build(2)];
    expect(weightValues(b.model)).toEqual(weightValues(a.model));
    const [wa, wc] = [weightValues(a.model), weightValues(c.model)];
    a.model.weights.forEach((w, i) => {
      if (w.name.includes("kernel")) expect(wc[i]).not.toEqual(wa[i]);
    });
    [a, b, c].forEach((d) => d.model.dispose());
  });

  it("passes gradients to every trainable variable, and leaks no tensor", () => {
    const d = buildLatentDiscriminator(model({ hidden: [16, 16] }), new Rng(1));
    const z = codes(8);
    expectGradientsReachAll(d.model, () => d.discriminate(z).square().sum() as tf.Scalar);
    expectNoLeak(() => d.discriminate(z));
    z.dispose();
    d.model.dispose();
  });
});
