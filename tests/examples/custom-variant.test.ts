import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { denoising, registerDae, run } from "../../examples/custom-variant.js";
import { registerVariant, validateConfig, type MemoryWriter } from "../../src/index.js";
import { batch, disposeAfterEach, expectEachPhaseMovesOnlyItsNetworks, harness, sameWeights, smallConfig } from "../helpers/variant-harness.js";

const track = disposeAfterEach();

const tiny = {
  seed: 3,
  data: { source: "mnist", trainLimit: 512, testLimit: 128 },
  model: { variant: "dae", recon: "bce", encoder: { type: "mlp", hidden: [64] }, decoder: { type: "mlp", hidden: [64] }, latent: { size: 4 } },
  train: { epochs: 2, batchSize: 64, lr: 3e-3 },
  log: { every: 2, images: 8 },
};

describe("examples/custom-variant.ts", () => {
  it("makes model.variant: dae a valid config once registered", () => {
    expect(() => validateConfig(tiny, "tiny")).toThrow(
      /^config error in tiny: model\.variant must be one of "ae", "vae", "aae", "vaegan", "ae\+gan", "vae\+gan" \(got "dae"\)$/,
    );
    registerDae();
    registerDae();
    expect(validateConfig(tiny, "tiny").model.variant).toBe("dae");
    expect(() => validateConfig({ model: { variant: "dea" } }, "typo")).toThrow(/"vae\+gan", "dae" \(got "dea"\)$/);
  });

  it("trains with train(): its loss terms are logged, the test loss falls, no tensor leaks", async () => {
    const before = tf.memory().numTensors;
    const { result, writer } = await run({ config: tiny, backend: "wasm" });
    expect(tf.memory().numTensors).toBe(before);
    const logged = (writer as MemoryWriter).series("train/autoencoder/recon");
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((s) => Number.isFinite(s.value))).toBe(true);
    const [, last] = result.epochs;
    expect(last.test["autoencoder/recon"]).toBeLessThan(result.initialTest["autoencoder/recon"]);
    // The phase reconstructs from masked inputs, in evaluation too: not the clean reconstruction's bce.
    expect(Math.abs(last.test["autoencoder/recon"] - last.test.bce)).toBeGreaterThan(1);
  });

  it("its phase moves exactly the networks it trains, and with nothing masked it is aelab's ae bit for bit", async () => {
    registerDae();
    registerVariant("dae-unmasked", denoising("dae-unmasked", 0));
    const x = batch();
    const dae = track(harness(smallConfig("dae")));
    expect(Object.keys(dae.variant.networks)).toEqual(["encoder", "decoder"]);
    await expectEachPhaseMovesOnlyItsNetworks(dae, x);

    const ae = track(harness(smallConfig("ae")));
    const unmasked = track(harness(smallConfig("dae-unmasked")));
    for (let step = 0; step < 3; step++) {
      await ae.step(x, undefined, step);
      await unmasked.step(x, undefined, step);
    }
    const [a, u] = [ae.snapshot(), unmasked.snapshot()];
    for (const network of ["encoder", "decoder"]) expect(sameWeights(a[network], u[network]), network).toBe(true);
    x.dispose();
  });
});
