import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { VARIANTS } from "../../src/config/schema.js";
import { discriminatorLoss } from "../../src/losses/gan.js";
import { batch, countForwardPasses, harness, sameWeights, smallConfig, type Harness } from "../helpers/variant-harness.js";

let open: Harness | undefined;
beforeAll(async () => {
  await selectBackend("wasm");
});
afterEach(() => {
  open?.dispose();
  open = undefined;
});

describe("each network is updated only from its own phase's loss", () => {
  for (const name of VARIANTS) {
    it(`${name}: a phase moves exactly the networks it trains`, async () => {
      const h = (open = harness(smallConfig(name)));
      const x = batch();
      for (const phase of h.variant.phases) {
        const before = h.snapshot();
        await h.step(x, [phase.name]);
        const after = h.snapshot();
        for (const network of Object.keys(before)) {
          const moved = !sameWeights(before[network], after[network]);
          expect(moved, `${name}/${phase.name} moved ${network}`).toBe((phase.trains as string[]).includes(network));
        }
      }
      x.dispose();
    });
  }
});

describe("VAE-GAN gradient routing (Larsen et al.)", () => {
  /** The discriminator's loss on the decoder's fakes (reconstructions and prior samples) for fixed codes. */
  function fakeLoss(h: Harness, x: tf.Tensor4D, priorCodes: tf.Tensor2D): number {
    return tf.tidy(() => {
      const d = h.variant.networks.discriminator!;
      const logitOf = (images: tf.Tensor) => (d.apply(images) as tf.Tensor[])[0] as tf.Tensor2D;
      const recon = tf.sigmoid(h.variant.reconstructLogits(x));
      const prior = h.variant.generate(priorCodes);
      return (
        discriminatorLoss("bce", tf.zeros([x.shape[0], 1]), [logitOf(recon), logitOf(prior)]).dataSync()[0] -
        discriminatorLoss("bce", tf.zeros([x.shape[0], 1]), []).dataSync()[0]
      );
    });
  }

  /** The discriminator's own loss, as Larsen's reference code weighs it: real 0.5, reconstructions and prior samples 0.25 each. */
  function discriminatorOwnLoss(h: Harness, x: tf.Tensor4D, priorCodes: tf.Tensor2D): number {
    return tf.tidy(() => {
      const d = h.variant.networks.discriminator!;
      const logitOf = (images: tf.Tensor) => (d.apply(images) as tf.Tensor[])[0] as tf.Tensor2D;
      const real = discriminatorLoss("bce", logitOf(x), []).dataSync()[0];
      return 0.5 * real + 0.25 * fakeLoss(h, x, priorCodes);
    });
  }

  it("the decoder's update raises the discriminator's loss on fakes", async () => {
    // gamma = 0 leaves only the GAN term in the decoder's loss, so its sign is what is tested.
    const h = (open = harness(smallConfig("vaegan", { adversarial: { gamma: 0 }, train: { lr: 1e-4 } })));
    const x = batch();
    const codes = tf.randomNormal([8, 3], 0, 1, "float32", 3) as tf.Tensor2D;
    // Run the encoder phase first so the decoder phase sees shared codes, as in training.
    const before = fakeLoss(h, x, codes);
    await h.step(x, ["encoder", "decoder"]);
    const after = fakeLoss(h, x, codes);
    expect(after).toBeGreaterThan(before);
    tf.dispose([x, codes]);
  });

  it("the discriminator's update lowers its own loss and moves neither encoder nor decoder", async () => {
    const h = (open = harness(smallConfig("vaegan", { train: { lr: 1e-4 } })));
    const x = batch();
    const codes = tf.randomNormal([8, 3], 0, 1, "float32", 3) as tf.Tensor2D;
    const before = h.snapshot();
    const lossBefore = discriminatorOwnLoss(h, x, codes);
    await h.step(x, ["discriminator"]);
    const after = h.snapshot();
    expect(discriminatorOwnLoss(h, x, codes)).toBeLessThan(lossBefore);
    expect(sameWeights(before.encoder, after.encoder)).toBe(true);
    expect(sameWeights(before.decoder, after.decoder)).toBe(true);
    tf.dispose([x, codes]);
  });

  it("no GAN gradient reaches the encoder: changing D's logit head changes the decoder's gradient, not the encoder's", () => {
    const h = (open = harness(smallConfig("vaegan")));
    const x = batch();
    const gradsOf = (phaseName: string, network: "encoder" | "decoder") =>
      tf.tidy(() => {
        const phase = h.variant.phases.find((p) => p.name === phaseName)!;
        const vars = h.variant.networks[network]!.trainableWeights.map((w) => w.read() as tf.Variable);
        const noiseSeeds = [101, 102, 103, 104];
        let i = 0;
        const noise = {
          normal: (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", noiseSeeds[i++ % 4]),
          uniform: (shape: number[]) => tf.randomUniform(shape, 0, 1, "float32", noiseSeeds[i++ % 4]),
        };
        const { grads } = tf.variableGrads(() => {
          const { terms } = phase.run({ x, noise, shared: new Map(), training: false });
          return terms.reduce<tf.Scalar>((s, t) => tf.add(s, tf.mul(t.value, t.weight)), tf.scalar(0));
        }, vars);
        return Object.values(grads).map((g) => g.dataSync().slice());
      });
    const encoderBefore = gradsOf("encoder", "encoder");
    const decoderBefore = gradsOf("decoder", "decoder");
    // The last layer of the discriminator maps features to the logit; only GAN terms depend on it.
    const d = h.variant.networks.discriminator!;
    const head = d.layers[d.layers.length - 1].trainableWeights[0].read() as tf.Variable;
    const kernelName = head.name;
    expect(kernelName).toMatch(/kernel/);
    head.assign(tf.tidy(() => tf.mul(head, -3)));
    const encoderAfter = gradsOf("encoder", "encoder");
    const decoderAfter = gradsOf("decoder", "decoder");
    expect(encoderAfter.every((g, i) => g.every((v, j) => Object.is(v, encoderBefore[i][j])))).toBe(true);
    expect(decoderAfter.some((g, i) => g.some((v, j) => v !== decoderBefore[i][j]))).toBe(true);
    x.dispose();
  });
});

describe("forward passes per step", () => {
  /** Expected calls of each network per training step, with shared tensors reused across phases. */
  const expected: Record<string, Record<string, number>> = {
    ae: { encoder: 1, decoder: 1 },
    vae: { encoder: 1, decoder: 1 },
    "ae+gan": { encoder: 1, decoder: 1, discriminator: 3 },
    "vae+gan": { encoder: 1, decoder: 1, discriminator: 3 },
    aae: { encoder: 1, decoder: 1, latentDiscriminator: 3 },
    vaegan: { encoder: 1, decoder: 3, discriminator: 7 },
  };
  for (const [name, counts] of Object.entries(expected)) {
    it(`${name}: ${JSON.stringify(counts)}`, async () => {
      const h = (open = harness(smallConfig(name as (typeof VARIANTS)[number])));
      const calls = countForwardPasses(h);
      const x = batch();
      await h.step(x);
      expect(calls).toEqual(counts);
      x.dispose();
    });
  }
});

describe("k discriminator steps per generator step", () => {
  it("runs the generator side on every k-th step only", async () => {
    const h = (open = harness(smallConfig("ae+gan", { adversarial: { discriminatorSteps: 3 } })));
    const x = batch();
    const moved: string[] = [];
    for (let step = 0; step < 6; step++) {
      const before = h.snapshot();
      await h.step(x, undefined, step);
      const after = h.snapshot();
      moved.push(["encoder", "discriminator"].filter((n) => !sameWeights(before[n], after[n])).join("+"));
    }
    expect(moved).toEqual(["discriminator", "discriminator", "encoder+discriminator", "discriminator", "discriminator", "encoder+discriminator"]);
    x.dispose();
  });
});
