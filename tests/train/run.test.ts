import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { decodeHparamsPluginData, readEvents } from "../../src/tensorboard/index.js";
import { runTraining } from "../../src/train/run.js";
import { tinyConfig } from "../helpers/tiny-run.js";

describe("runTraining", () => {
  it("writes the resolved config, run.json and an events file with scalars and image grids", async () => {
    const logdir = mkdtempSync(join(tmpdir(), "aelab-run-"));
    const config = tinyConfig({ train: { epochs: 1 } });
    const outcome = await runTraining({ config, configFile: "configs/tiny-vae.yaml", logdir, backend: "wasm" });
    expect(outcome.name).toBe("tiny-vae");
    expect(outcome.backend.name).toBe("wasm");

    expect(parse(readFileSync(join(outcome.dir, "config.yaml"), "utf8"))).toEqual(config);
    const record = JSON.parse(readFileSync(join(outcome.dir, "run.json"), "utf8"));
    expect(record).toMatchObject({ name: "tiny-vae", status: "completed", steps: 8, backend: { name: "wasm" } });

    const eventFiles = readdirSync(outcome.dir).filter((f) => f.includes("tfevents"));
    expect(eventFiles).toHaveLength(1);
    const events = readEvents(readFileSync(join(outcome.dir, eventFiles[0])));
    expect(events.truncated).toBe(false);
    expect(events[0].fileVersion).toBe("brain.Event:2");
    const values = events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: Number(e.step ?? 0), v })));
    const scalarTags = new Set(values.filter(({ v }) => !v.image).map(({ v }) => v.tag));
    for (const tag of ["train/autoencoder/recon", "train/autoencoder/kl", "test/autoencoder/loss", "test/bce", "perf/train_images_per_second"])
      expect(scalarTags).toContain(tag);
    const images = values.filter(({ v }) => v.image);
    expect(images.map(({ v, step }) => `${v.tag}@${step}`)).toEqual(
      expect.arrayContaining(["images/reconstruction@0", "images/prior_samples@0", "images/reconstruction@8", "images/prior_samples@8"]),
    );
    const kinds = (tag: string) => values.filter(({ v }) => v.tag === tag);
    expect(kinds("intensity/input").map(({ step }) => step)).toEqual([0, 8]);
    expect(kinds("intensity/output")[1].v.histo!.bucketLimit.at(-1)).toBeLessThanOrEqual(1);
    expect(kinds("latent/code")).toHaveLength(2);
    const text = (tag: string) => Buffer.from(kinds(tag)[0].v.tensor!.stringVal![0]).toString("utf8");
    expect(text("config")).toContain("```yaml");
    expect(text("config")).toContain("variant: vae");
    expect(text("summary")).toMatch(/\*\*Completed\*\* after 8 steps/);
    expect(text("summary")).toContain("| mse |");
    expect(kinds("_hparams_/session_start_info")).toHaveLength(1);
    expect(kinds("_hparams_/session_end_info")).toHaveLength(1);
    const start = decodeHparamsPluginData(kinds("_hparams_/session_start_info")[0].v.metadata!.pluginData!.content!);
    expect(start.sessionStartInfo!.hparams).toMatchObject({
      variant: { stringValue: "vae" },
      adversarial_weight: { numberValue: 0 },
      seed: { numberValue: 3 },
    });
    const png = images[0].v.image!.encodedImageString as Uint8Array;
    const meta = await sharp(Buffer.from(png)).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.width).toBe(images[0].v.image!.width);
  });

  it("never reuses a run folder", async () => {
    const logdir = mkdtempSync(join(tmpdir(), "aelab-run-"));
    const config = tinyConfig({ train: { epochs: 1 } });
    const a = await runTraining({ config, configFile: "x/same.yaml", logdir, backend: "wasm" });
    const b = await runTraining({ config, configFile: "x/same.yaml", logdir, backend: "wasm" });
    expect([a.name, b.name]).toEqual(["same", "same-2"]);
    expect(existsSync(join(logdir, "same-2", "config.yaml"))).toBe(true);
  });
});
