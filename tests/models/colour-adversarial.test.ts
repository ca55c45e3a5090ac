import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadConfig } from "../../src/config/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { train } from "../../src/train/train.js";

// The conv discriminators on colour images: the PatchGAN with spectral norm and the adaptive weight, and
// VAE-GAN's feature-space loss, each trained a few steps on the generated 32x32 RGB shapes with the
// adversarial term on from the first step.
const CASES: Array<[string, string[]]> = [
  ["configs/conv-vae-mse+patchgan.yaml", ["adversarial.start=0"]],
  ["configs/vaegan-conv.yaml", []],
];

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("adversarial conv variants on colour images", () => {
  for (const [file, extra] of CASES) {
    it(`${file} trains on 32x32 RGB with every loss finite and its discriminator trained every step`, async () => {
      const config = loadConfig(file, [
        "data.source=synth",
        "train.epochs=1",
        "data.trainLimit=192",
        "data.testLimit=32",
        "train.batchSize=64",
        "log.every=1",
        "log.images=4",
        ...extra,
      ]);
      const writer = new MemoryWriter();
      const { result } = await train(config, { writer, configFile: file, backend: "wasm" });
      expect(result.steps).toBe(3);
      const discriminator = writer.scalars.filter((s) => s.tag === "train/discriminator/loss");
      expect(discriminator).toHaveLength(3);
      for (const s of writer.scalars.filter((v) => v.tag.startsWith("train/"))) expect(Number.isFinite(s.value)).toBe(true);
      expect(writer.loggedImages.find((i) => i.tag === "images/reconstruction")?.channels).toBe(3);
    });
  }
});
