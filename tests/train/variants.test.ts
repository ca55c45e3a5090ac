import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { VARIANTS } from "../../src/config/schema.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

async function trainScalars(config: ReturnType<typeof tinyConfig>) {
  const writer = new MemoryWriter();
  const result = await trainLoop({ config, dataset: await tinyDataset(), writer });
  return { writer, result };
}

describe("pixel GAN with lambda = 0", () => {
  for (const [plain, withGan] of [
    ["ae", "ae+gan"],
    ["vae", "vae+gan"],
  ] as const) {
    it(`${withGan} with adversarial.weight 0 follows ${plain} exactly`, async () => {
      const a = await trainScalars(tinyConfig({ model: { variant: plain, recon: "mse" } }));
      const b = await trainScalars(tinyConfig({ model: { variant: withGan, recon: "mse" }, adversarial: { weight: 0 } }));
      for (const tag of ["train/autoencoder/recon", "test/mse", "test/bce", "test/autoencoder/recon"]) {
        expect(b.writer.series(tag), tag).toEqual(a.writer.series(tag));
        expect(a.writer.series(tag).length).toBeGreaterThan(1);
      }
      // ... while the discriminator did train alongside.
      expect(b.writer.series("train/discriminator/gan").length).toBeGreaterThan(1);
    });
  }

  it("a positive weight changes the autoencoder's trajectory", async () => {
    const a = await trainScalars(tinyConfig({ model: { variant: "ae", recon: "mse" } }));
    const b = await trainScalars(tinyConfig({ model: { variant: "ae+gan", recon: "mse" }, adversarial: { weight: 1 } }));
    expect(b.writer.series("train/autoencoder/recon")).not.toEqual(a.writer.series("train/autoencoder/recon"));
  });
});

describe("every variant trains and logs its terms and diagnostics", () => {
  const expectedTags: Record<string, string[]> = {
    ae: ["train/autoencoder/recon"],
    vae: ["train/autoencoder/kl", "test/latent/kl_dim_00"],
    "ae+gan": ["train/autoencoder/gan", "train/discriminator/gan", "diagnostics/D(x)", "diagnostics/D(reconstruction)", "diagnostics/grad_norm/discriminator"],
    "vae+gan": ["train/autoencoder/kl", "train/autoencoder/gan", "diagnostics/D(reconstruction)"],
    aae: [
      "train/autoencoder/gan",
      "train/latent_discriminator/gan",
      "diagnostics/D(prior)",
      "diagnostics/D(codes)",
      "diagnostics/grad_norm/latentDiscriminator",
    ],
    vaegan: [
      "train/encoder/kl",
      "train/encoder/feature_recon",
      "train/decoder/feature_recon",
      "train/decoder/gan",
      "train/discriminator/gan",
      "diagnostics/D(x)",
      "diagnostics/D(reconstruction)",
      "diagnostics/D(prior)",
      "diagnostics/grad_norm/encoder",
      "diagnostics/grad_norm/decoder",
      "diagnostics/grad_norm/discriminator",
      "test/decoder/gan",
    ],
  };
  for (const variant of VARIANTS) {
    it(variant, async () => {
      const { writer, result } = await trainScalars(tinyConfig({ model: { variant, recon: variant === "vaegan" ? "feature" : "bce" }, train: { epochs: 1 } }));
      const tags = new Set(writer.scalars.map((s) => s.tag));
      for (const tag of [...expectedTags[variant], "test/mse", "test/latent/active_units"]) expect(tags, tag).toContain(tag);
      expect(result.steps).toBe(8);
      const hasPrior = variant !== "ae" && variant !== "ae+gan";
      expect(writer.loggedImages.some((i) => i.tag === "images/prior_samples")).toBe(hasPrior);
    });
  }
});

describe("VAE-GAN gating", () => {
  it("logs how often each gated phase was skipped, and skips some updates with a tight margin", async () => {
    const { writer } = await trainScalars(
      tinyConfig({ model: { variant: "vaegan", recon: "feature" }, adversarial: { gating: { enabled: true, equilibrium: 0.68, margin: 0.01 } } }),
    );
    const skippedDecoder = writer.series("gating/decoder_skipped").map((s) => s.value);
    const skippedDiscriminator = writer.series("gating/discriminator_skipped").map((s) => s.value);
    expect(skippedDecoder.length).toBeGreaterThan(1);
    expect(skippedDiscriminator.length).toBe(skippedDecoder.length);
    for (const v of [...skippedDecoder, ...skippedDiscriminator]) expect(v).toBeGreaterThanOrEqual(0);
    // With a margin of 0.01 around the equilibrium, one side is almost always out of balance.
    expect(Math.max(...skippedDecoder, ...skippedDiscriminator)).toBeGreaterThan(0);
    // Never both at once: the rule re-enables both when both would be skipped.
    skippedDecoder.forEach((v, i) => expect(v + skippedDiscriminator[i]).toBeLessThanOrEqual(1));
  });
});
