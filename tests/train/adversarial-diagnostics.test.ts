import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import type { RunConfig } from "../../src/config/schema.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import { trainLoop } from "../../src/train/loop.js";
import { ADVERSARIAL_WARNING_TAG } from "../../src/train/observers/index.js";
import type { Progress } from "../../src/train/progress.js";
import { tinyConfig, tinyDataset } from "../helpers/tiny-run.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

const BALANCE_TAGS = ["diagnostics/D_logit_real", "diagnostics/D_logit_fake", "diagnostics/D_accuracy"];

/** A Progress that keeps the lines a run prints. */
function lineRecorder(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return { lines, epochStart() {}, step() {}, epochEnd() {}, message: (line) => void lines.push(line), close() {} };
}

async function run(config: RunConfig, options: { checkpointDir?: string; resume?: boolean; stopAt?: number } = {}) {
  const writer = new MemoryWriter();
  const progress = lineRecorder();
  let steps = 0;
  const result = await trainLoop({
    config,
    dataset: await tinyDataset(),
    writer,
    progress,
    checkpointDir: options.checkpointDir,
    resume: options.resume,
    shouldStop: options.stopAt === undefined ? undefined : () => ++steps >= options.stopAt!,
  });
  const warnings = progress.lines.filter((line) => line.startsWith("adversarial balance:"));
  return { writer, result, warnings, texts: writer.loggedTexts.filter((t) => t.tag === ADVERSARIAL_WARNING_TAG) };
}

/**
 * The generator frozen (encoder and decoder at lr 1e-9, lambda 0): the discriminator separates inputs
 * from reconstructions and goes on separating them. 8 steps an epoch, logged every step.
 */
const frozenGenerator = (epochs = 2) =>
  tinyConfig({
    model: { variant: "ae+gan", recon: "mse" },
    adversarial: { weight: 0 },
    train: { epochs, optimizers: { encoder: { lr: 1e-9 }, decoder: { lr: 1e-9 } } },
    log: { every: 1 },
  });

describe("the adversarial diagnostics in training", () => {
  const cases: Array<[string, RunConfig]> = [
    ["ae+gan (pixel GAN)", tinyConfig({ model: { variant: "ae+gan", recon: "mse" }, train: { epochs: 1 } })],
    ["vae+gan with lsgan", tinyConfig({ model: { variant: "vae+gan", recon: "mse" }, adversarial: { loss: "lsgan" }, train: { epochs: 1 } })],
    ["vaegan", tinyConfig({ model: { variant: "vaegan", recon: "feature" }, train: { epochs: 1 } })],
    ["aae", tinyConfig({ model: { variant: "aae", recon: "bce" }, train: { epochs: 1 } })],
    ["aae, separate updates", tinyConfig({ model: { variant: "aae", recon: "bce" }, adversarial: { aaeUpdates: "separate" }, train: { epochs: 1 } })],
  ];
  for (const [name, config] of cases) {
    it(`${name} logs the discriminator's mean logits and accuracy, finite, at every logging step and on the test split`, async () => {
      const { writer } = await run(config);
      // 8 steps, logged every 2.
      const trainSteps = [2, 4, 6, 8];
      for (const tag of BALANCE_TAGS) {
        const series = writer.series(tag);
        expect(
          series.map((s) => s.step),
          tag,
        ).toEqual(trainSteps);
        for (const { value } of series) expect(Number.isFinite(value), tag).toBe(true);
        expect(
          writer.series(`test/${tag}`).map((s) => s.step),
          tag,
        ).toEqual([0, 8]);
      }
      for (const { value } of [...writer.series("diagnostics/D_accuracy"), ...writer.series("test/diagnostics/D_accuracy")]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      // Only the adaptive and ratio weights vary, and only they are logged.
      expect(writer.series("diagnostics/adversarial_weight")).toEqual([]);
    });
  }

  it("starts logging them with the discriminator, after the warm-up", async () => {
    const { writer } = await run(tinyConfig({ model: { variant: "vae+gan", recon: "mse" }, adversarial: { start: 8 }, train: { epochs: 2 } }));
    expect(writer.series("diagnostics/D_accuracy").map((s) => s.step)).toEqual([10, 12, 14, 16]);
  });

  for (const variant of ["vae+gan", "vaegan"] as const) {
    it(`${variant} logs an adaptive lambda beside them, finite and positive`, async () => {
      const config = tinyConfig({
        model: { variant, recon: variant === "vaegan" ? "feature" : "mse" },
        adversarial: { balance: { mode: "adaptive", max: 1e4 }, loss: "hinge" },
        train: { epochs: 1 },
      });
      const { writer } = await run(config);
      const lambda = writer.series("diagnostics/adversarial_weight");
      expect(lambda.map((s) => s.step)).toEqual(writer.series("diagnostics/D_accuracy").map((s) => s.step));
      for (const { value } of lambda) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThan(0);
      }
    });
  }
});

describe("the adversarial balance warning in training", () => {
  it("is printed and written once when the discriminator wins outright against a frozen generator", async () => {
    const { writer, warnings, texts } = await run(frozenGenerator());
    const accuracy = writer.series("diagnostics/D_accuracy");
    expect(accuracy.filter((s) => s.value >= 0.99).length).toBeGreaterThan(10);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^adversarial balance: the discriminator has won outright from step \d+ to step \d+ \(5 logging points/);
    expect(warnings[0]).toContain("train.optimizers.discriminator.lr");
    expect(texts).toHaveLength(1);
    const [, to] = /to step (\d+)/.exec(warnings[0])!;
    expect(texts[0].step).toBe(Number(to));
    expect(texts[0].markdown).toContain("won outright");
  });

  it("survives a checkpoint and resume: once across the two runs, at the uninterrupted run's step", async () => {
    const reference = await run(frozenGenerator());
    const warnedAt = reference.texts[0].step;
    // Stopped inside the episode, before the warning, and after it.
    for (const stopAt of [warnedAt - 2, warnedAt + 2]) {
      const dir = mkdtempSync(join(tmpdir(), "aelab-balance-"));
      const before = await run(frozenGenerator(), { checkpointDir: dir, stopAt });
      expect(before.result.stopped).toBe(true);
      const saved = JSON.parse(readFileSync(join(dir, "checkpoint", "state.json"), "utf8")).extra.position;
      expect(saved.adversarialBalance.streak.kind).toBe("wins");
      const after = await run(frozenGenerator(), { checkpointDir: dir, resume: true });
      expect(
        [...before.texts, ...after.texts].map((t) => t.step),
        `stopped at ${stopAt}`,
      ).toEqual([warnedAt]);
      expect([...before.warnings, ...after.warnings]).toEqual(reference.warnings);
    }
  });

  it("is not given for a run whose discriminator keeps in balance", async () => {
    const { warnings, texts } = await run(tinyConfig({ model: { variant: "ae+gan", recon: "mse" }, train: { epochs: 2 }, log: { every: 1 } }));
    expect(warnings).toEqual([]);
    expect(texts).toEqual([]);
  });
});
