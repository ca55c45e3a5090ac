import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";
import { batch, countForwardPasses, expectEachPhaseMovesOnlyItsNetworks, harness, smallConfig, type Harness } from "../helpers/variant-harness.js";

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

  it("runs the paper's phases in its order, each moving exactly its networks", () => {
    const h = (open = harness(separate()));
    expect(h.variant.phases.map((p) => [p.name, p.trains.join("+")])).toEqual([
      ["autoencoder", "encoder+decoder"],
      ["latent_discriminator", "latentDiscriminator"],
      ["regularization", "encoder"],
    ]);
    const x = batch();
    expectEachPhaseMovesOnlyItsNetworks(h, x);
    x.dispose();
  });

  it("encodes afresh in every phase, so each sees the weights the phases before it left", () => {
    const h = (open = harness(separate()));
    const calls = countForwardPasses(h);
    const x = batch();
    h.step(x);
    expect(calls).toEqual({ encoder: 3, decoder: 1, latentDiscriminator: 3 });
    x.dispose();
  });

  it("joint stays the default, with its two phases", () => {
    const h = (open = harness(smallConfig("aae")));
    expect(h.variant.phases.map((p) => p.name)).toEqual(["autoencoder", "latent_discriminator"]);
  });

  it("trains in the loop and logs each phase's terms", async () => {
    const writer = new MemoryWriter();
    const result = await trainLoop({
      config: tinyConfig({ model: { variant: "aae", recon: "mse" }, adversarial: { aaeUpdates: "separate" }, train: { epochs: 1 } }),
      dataset: await tinyDataset(),
      writer,
    });
    expect(result.steps).toBe(8);
    const tags = new Set(writer.scalars.map((s) => s.tag));
    for (const tag of ["train/autoencoder/recon", "train/latent_discriminator/gan", "train/regularization/gan", "test/regularization/gan", "test/mse"]) {
      expect(tags, tag).toContain(tag);
    }
    expect(tags.has("train/autoencoder/gan")).toBe(false);
  });
});
