import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
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

describe("adversarial options in the loop", () => {
  it("vae+gan with the adaptive weight and a one-epoch warm-up follows vae through the warm-up, then logs lambda", async () => {
    // 8 steps an epoch: the adversarial term and the discriminator switch on at step 8.
    const a = await trainScalars(tinyConfig({ model: { variant: "vae", recon: "mse" } }));
    const b = await trainScalars(
      tinyConfig({ model: { variant: "vae+gan", recon: "mse" }, adversarial: { weight: 1, balance: { mode: "adaptive", max: 1e4 }, loss: "hinge", start: 8 } }),
    );
    const recon = (w: MemoryWriter) => w.series("train/autoencoder/recon");
    const warm = (w: MemoryWriter) => recon(w).filter((s) => s.step <= 8);
    expect(warm(b.writer)).toEqual(warm(a.writer));
    expect(warm(a.writer).length).toBe(4);
    expect(b.writer.series("test/mse")[1]).toEqual(a.writer.series("test/mse")[1]);
    expect(recon(b.writer)).not.toEqual(recon(a.writer));

    const lambda = b.writer.series("diagnostics/adversarial_weight").filter((s) => s.step > 8);
    expect(lambda.length).toBeGreaterThan(0);
    for (const { value } of lambda) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    // The discriminator trains only after the warm-up.
    expect(b.writer.series("train/discriminator/gan").every((s) => s.step > 8)).toBe(true);
    expect(b.writer.series("train/discriminator/gan").length).toBeGreaterThan(0);
  });

  it("ae+gan with the ratio balance keeps lambda * gan near ratio * recon", async () => {
    const { writer } = await trainScalars(
      tinyConfig({ model: { variant: "ae+gan", recon: "mse" }, adversarial: { weight: 1, balance: { mode: "ratio", ratio: 0.1, decay: 0.5, max: 1e4 } } }),
    );
    const lambda = writer.series("diagnostics/adversarial_weight");
    const recon = writer.series("train/autoencoder/recon");
    const gan = writer.series("train/autoencoder/gan");
    expect(lambda.length).toBe(recon.length);
    const last = lambda.length - 1;
    // Means over 2 steps of running means: the same order of magnitude, not equal.
    const share = (lambda[last].value * gan[last].value) / recon[last].value;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.3);
  });
});

describe("a proper likelihood with the GAN", () => {
  it("a continuous-Bernoulli VAE trains with the adaptive GAN: vae-cbernoulli's steps through the warm-up, then lambda, λ grids and log p(x)", async () => {
    const model = { variant: "vae+gan" as const, recon: "cbernoulli" as const };
    const a = await trainScalars(tinyConfig({ model: { ...model, variant: "vae" }, train: { epochs: 1 }, log: { nllSamples: 2 } }));
    const b = await trainScalars(
      tinyConfig({
        model,
        adversarial: { weight: 0.5, balance: { mode: "adaptive", max: 1e4 }, loss: "hinge", start: 4 },
        train: { epochs: 1 },
        log: { nllSamples: 2 },
      }),
    );
    const recon = (w: MemoryWriter) => w.series("train/autoencoder/recon");
    expect(recon(b.writer).filter((s) => s.step <= 4)).toEqual(recon(a.writer).filter((s) => s.step <= 4));
    expect(recon(b.writer)).not.toEqual(recon(a.writer));
    const lambda = b.writer.series("diagnostics/adversarial_weight").filter((s) => s.step > 4);
    expect(lambda.length).toBeGreaterThan(0);
    for (const { value } of lambda) expect(value).toBeGreaterThan(0);
    expect(b.writer.series("train/discriminator/gan").length).toBeGreaterThan(0);
    expect(b.writer.loggedImages.some((i) => i.tag === "images/reconstruction_lambda")).toBe(true);
    const nll = b.writer.series("test/nll");
    expect(nll.length).toBe(1);
    expect(Number.isFinite(nll[0].value)).toBe(true);
  });

  it("a σ-VAE with the adaptive GAN trains its σ with the decoder", async () => {
    const { writer } = await trainScalars(
      tinyConfig({
        model: { variant: "vae+gan", recon: "gaussian", scale: "learned" },
        adversarial: { weight: 0.5, balance: { mode: "adaptive", max: 1e4 }, loss: "hinge" },
        train: { epochs: 1 },
      }),
    );
    const sigma = writer.series("diagnostics/likelihood/sigma");
    expect(sigma.at(-1)!.value).toBeLessThan(sigma[0].value);
    expect(writer.series("diagnostics/adversarial_weight").every((s) => Number.isFinite(s.value) && s.value > 0)).toBe(true);
  });
});

describe("exact resume with the adversarial options", () => {
  /** Every logged value as `tag@step=value`, for exact comparison. */
  const points = (writer: MemoryWriter, keep: (tag: string, step: number) => boolean) =>
    writer.scalars
      .filter((s) => !s.tag.startsWith("perf/") && keep(s.tag, s.step))
      .map((s) => `${s.tag}@${s.step}=${s.value}`)
      .sort();

  it("vae+gan, adaptive, hinge, warm-up, spectrally normalised PatchGAN: interrupted at step 6 and resumed gives bit-identical losses", async () => {
    const config = tinyConfig({
      model: {
        variant: "vae+gan",
        recon: "mse",
        discriminator: {
          type: "conv",
          filters: [8, 16],
          kernel: 3,
          strides: 2,
          activation: "leakyRelu",
          hidden: [],
          featureLayer: -1,
          spectralNorm: true,
          head: "patch",
        },
      },
      adversarial: { weight: 0.5, balance: { mode: "adaptive", max: 1e4 }, loss: "hinge", start: 3 },
      train: { epochs: 2 },
    });
    const dataset = await tinyDataset();
    const reference = new MemoryWriter();
    await trainLoop({ config, dataset, writer: reference, checkpointDir: mkdtempSync(join(tmpdir(), "aelab-adv-resume-")) });
    const dir = mkdtempSync(join(tmpdir(), "aelab-adv-resume-"));
    let steps = 0;
    const before = new MemoryWriter();
    await trainLoop({ config, dataset, writer: before, checkpointDir: dir, shouldStop: () => ++steps >= 6 });
    const after = new MemoryWriter();
    await trainLoop({ config, dataset, writer: after, checkpointDir: dir, resume: true });
    const trainTags = (tag: string) => tag.startsWith("train/") || tag.startsWith("diagnostics/");
    expect([...points(before, trainTags), ...points(after, trainTags)].sort()).toEqual(points(reference, trainTags));
    const epochEnds = (tag: string, step: number) => tag.startsWith("test/") && step % 8 === 0 && step > 0;
    expect(points(after, epochEnds)).toEqual(points(reference, epochEnds));
    expect(points(reference, (tag) => tag === "diagnostics/adversarial_weight").length).toBeGreaterThan(2);
  });
});
