import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";
import { batch, countForwardPasses, expectEachPhaseMovesOnlyItsNetworks, harness, sameWeights, smallConfig, type Harness } from "../helpers/variant-harness.js";

// AAE with Makhzani et al.'s separate reconstruction and regularisation updates (adversarial.aaeUpdates: separate).

let open: Harness | undefined;
beforeAll(async () => {
  await selectBackend("wasm");
});
afterEach(() => {
  open?.dispose();
  open = undefined;
});

describe("AAE, separate updates", () => {
  const separate = () => smallConfig("aae", { adversarial: { aaeUpdates: "separate" } });

  it("runs the paper's phases in its order, each moving exactly its networks", async () => {
    const h = (open = harness(separate()));
    expect(h.variant.phases.map((p) => [p.name, p.trains.join("+")])).toEqual([
      ["autoencoder", "encoder+decoder"],
      ["latent_discriminator", "latentDiscriminator"],
      ["regularization", "encoder"],
    ]);
    const x = batch();
    await expectEachPhaseMovesOnlyItsNetworks(h, x);
    x.dispose();
  });

  it("encodes afresh in every phase, so each sees the weights the phases before it left", async () => {
    const h = (open = harness(separate()));
    const calls = countForwardPasses(h);
    const x = batch();
    await h.step(x);
    expect(calls).toEqual({ encoder: 3, decoder: 1, latentDiscriminator: 3 });
    x.dispose();
  });

  it("the regularisation update has an encoder Adam of its own, set like the latent discriminator's; each Adam counts only its phase's steps", async () => {
    const h = (open = harness(
      smallConfig("aae", { adversarial: { aaeUpdates: "separate" }, train: { optimizers: { latentDiscriminator: { lr: 2e-4, betas: [0.5, 0.99] } } } }),
    ));
    expect(Object.keys(h.optimizers).sort()).toEqual(["decoder", "encoder", "encoder.regularization", "latentDiscriminator"]);
    const own = h.optimizers["encoder.regularization"]!.getConfig();
    expect([own.learningRate, own.beta1, own.beta2]).toEqual([2e-4, 0.5, 0.99]);
    expect(h.optimizers.encoder!.getConfig().learningRate).toBe(1e-3);
    const iterations = () => [h.optimizers.encoder!.iterations, h.optimizers["encoder.regularization"]!.iterations];
    const x = batch();
    await h.step(x, ["autoencoder"]);
    expect(iterations()).toEqual([1, 0]);
    await h.step(x, ["regularization"]);
    expect(iterations()).toEqual([1, 1]);
    await h.step(x);
    expect(iterations()).toEqual([2, 2]);
    x.dispose();
  });

  it("the regularisation update moves the encoder by its own Adam's moments, not the reconstruction's", async () => {
    // Two equal builds: one has just taken a reconstruction update, the other not. A shared Adam would carry
    // that update's moments into the regularisation update; separate ones leave it as on a fresh Adam.
    const a = harness(separate());
    const b = harness(separate());
    try {
      const x = batch();
      await a.step(x, ["regularization"]);
      await b.step(x, ["autoencoder"]);
      const encoderAfterRecon = b.snapshot().encoder;
      // Undo the reconstruction update's weights (not its moments): b's encoder and decoder back to a's start.
      const fresh = harness(separate());
      b.variant.networks.encoder!.setWeights(fresh.variant.networks.encoder!.getWeights());
      b.variant.networks.decoder!.setWeights(fresh.variant.networks.decoder!.getWeights());
      fresh.dispose();
      expect(sameWeights(encoderAfterRecon, b.snapshot().encoder)).toBe(false);
      await b.step(x, ["regularization"]);
      expect(sameWeights(a.snapshot().encoder, b.snapshot().encoder)).toBe(true);
      x.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("joint has no second encoder Adam", () => {
    const h = (open = harness(smallConfig("aae")));
    expect(Object.keys(h.optimizers).sort()).toEqual(["decoder", "encoder", "latentDiscriminator"]);
  });

  it("joint stays the default, with its two phases", () => {
    const h = (open = harness(smallConfig("aae")));
    expect(h.variant.phases.map((p) => p.name)).toEqual(["autoencoder", "latent_discriminator"]);
  });

  it("trains in the loop and logs each phase's terms", async () => {
    const writer = new MemoryWriter();
    const dir = mkdtempSync(join(tmpdir(), "aelab-aae-"));
    const result = await trainLoop({
      config: tinyConfig({ model: { variant: "aae", recon: "mse" }, adversarial: { aaeUpdates: "separate" }, train: { epochs: 1 } }),
      dataset: await tinyDataset(),
      writer,
      checkpointDir: dir,
    });
    expect(result.steps).toBe(8);
    // The regularisation's Adam is checkpointed beside the networks' (tests/train/resume.test.ts resumes it exactly).
    const saved = JSON.parse(readFileSync(join(dir, "checkpoint", "optimizers", "encoder.regularization.json"), "utf8")) as {
      iterations: number;
      slots: Array<{ network: string }>;
    };
    expect(saved.iterations).toBe(8);
    expect(new Set(saved.slots.map((s) => s.network))).toEqual(new Set(["encoder"]));
    const tags = new Set(writer.scalars.map((s) => s.tag));
    for (const tag of ["train/autoencoder/recon", "train/latent_discriminator/gan", "train/regularization/gan", "test/regularization/gan", "test/mse"]) {
      expect(tags, tag).toContain(tag);
    }
    expect(tags.has("train/autoencoder/gan")).toBe(false);
  });
});
