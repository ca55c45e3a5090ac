import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { buildDecoder, buildDiscriminator, buildEncoder, buildLatentDiscriminator } from "../../src/nn/index.js";
import { Rng } from "../../src/random/rng.js";
import { BATCH, codes, describeShape, images, modelSpec, SHAPES } from "./helpers.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const LAYER_CLASS = { mlp: "Dense", conv: "Conv2D" } as const;

describe("builders from the model spec", () => {
  for (const shape of SHAPES) {
    for (const type of ["mlp", "conv"] as const) {
      it(`${type} modules on ${describeShape(shape)} have the contract's shapes`, () => {
        const model = modelSpec({
          encoder: type === "mlp" ? { hidden: [16] } : { type },
          decoder: type === "mlp" ? { hidden: [16] } : { type },
          discriminator: type === "mlp" ? { hidden: [16, 8] } : { type },
          latentDiscriminator: { hidden: [8] },
          latent: { size: 3 },
        });
        const rng = new Rng(1);
        const encoder = buildEncoder(model, shape, true, rng);
        const decoder = buildDecoder(model, shape, rng);
        const discriminator = buildDiscriminator(model, shape, rng);
        const latentDiscriminator = buildLatentDiscriminator(model, rng);
        const firstTrainable = (m: tf.LayersModel) => m.layers.find((l) => l.trainableWeights.length > 0)!.getClassName();
        expect(firstTrainable(encoder.model)).toBe(LAYER_CLASS[type]);
        expect(firstTrainable(discriminator.model)).toBe(LAYER_CLASS[type]);
        expect(decoder.model.layers.some((l) => l.getClassName() === "Conv2DTranspose")).toBe(type === "conv");

        const x = images(shape);
        const z = codes(3);
        const { embedding, logVariance } = encoder.encode(x);
        const logits = decoder.decode(z);
        const { logit, features } = discriminator.discriminate(x);
        const latentLogit = latentDiscriminator.discriminate(z);
        expect([embedding.shape, logVariance?.shape]).toEqual([
          [BATCH, 3],
          [BATCH, 3],
        ]);
        expect(logits.shape).toEqual([BATCH, shape.height, shape.width, shape.channels]);
        expect(logit.shape).toEqual([BATCH, 1]);
        expect(features.shape).toEqual([BATCH, type === "mlp" ? 8 : 4 * 4 * 128]);
        expect(latentLogit.shape).toEqual([BATCH, 1]);
        tf.dispose([x, z, embedding, logVariance!, logits, logit, features, latentLogit]);
        [encoder.model, decoder.model, discriminator.model, latentDiscriminator.model].forEach((m) => m.dispose());
      });
    }
  }
});
