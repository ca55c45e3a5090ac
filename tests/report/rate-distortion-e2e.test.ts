import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { writeReport } from "../../src/report/index.js";
import { RATE_DISTORTION_FILE } from "../../src/report/rate-distortion-figure.js";

// A tiny version of experiments/rate-distortion.yaml: two likelihoods, two β, two seeds, tiny networks.
const logdir = mkdtempSync(join(tmpdir(), "aelab-rd-e2e-"));
const file = join(logdir, "tiny-rd.yaml");
writeFileSync(
  file,
  `name: tiny-rd
base: ${resolve("configs/vae-bce.yaml")}
set:
  train.epochs: 1
  data.trainLimit: 256
  data.testLimit: 64
  model.encoder.hidden: [32]
  model.decoder.hidden: [32]
  model.latent.size: 4
  log.images: 8
axes:
  likelihood:
    bce: { model.recon: bce }
    mse: { model.recon: mse }
  beta:
    "0.5": { model.beta: 0.5 }
    "2": { model.beta: 2 }
  seed: [1, 2]
claims:
  - id: C3
    statement: BCE-trained reconstructions are blurrier than MSE-trained ones, at matched rate too.
    comparisons:
      - { a: { likelihood: bce }, b: { likelihood: mse }, along: beta, metric: mse, label: "distortion: MSE (sum per image)", expect: equivalent, role: descriptive }
      - { a: { likelihood: bce }, b: { likelihood: mse }, along: beta, metric: [sharpness, highFrequency, reliabilityPull], expect: less }
`,
);
const dir = join(logdir, "tiny-rd");
let outcome: Awaited<ReturnType<typeof writeReport>>;

beforeAll(async () => {
  await selectBackend("wasm");
  const experiment = loadExperiment(file, { logdir });
  const done = await startExperiment(experiment, { workers: 2, force: false, report: false, log: () => {} }).done;
  expect(done.failed).toEqual([]);
  outcome = await writeReport(dir);
}, 600_000);

describe("the rate-distortion analysis on a trained β sweep", () => {
  it("measures each run's rate as the KL its own training loop reported on the same test images", () => {
    const runs = outcome.groups.flatMap((g) => g.runs);
    expect(runs).toHaveLength(8);
    for (const r of runs) {
      const record = JSON.parse(readFileSync(join(r.metrics.run, "run.json"), "utf8")) as { epochs: Array<{ test: Record<string, number> }> };
      const reported = record.epochs.at(-1)!.test["autoencoder/kl"];
      expect(reported).toBeGreaterThan(0);
      expect(r.metrics.rate).toBeCloseTo(reported, 3);
    }
  });

  it("writes the figure and the rate-distortion section, and compares BCE with MSE at matched rate or says why not", () => {
    expect(existsSync(join(dir, `${RATE_DISTORTION_FILE}.png`))).toBe(true);
    const md = readFileSync(outcome.reportPath, "utf8");
    expect(md).toContain("## Rate–distortion");
    expect(md).toContain("### VAE-BCE");
    expect(md).toContain(`(${RATE_DISTORTION_FILE}.png)`);
    const matched = outcome.rows.filter((r) => r.comparison.startsWith("VAE-BCE − VAE-MSE at matched rate"));
    if (md.includes("**VAE-BCE − VAE-MSE**: no rate lies on both curves in every seed")) expect(matched).toEqual([]);
    else {
      expect(md).toMatch(/\*\*VAE-BCE − VAE-MSE\*\*: overlap /);
      expect(matched).toHaveLength(12);
      for (const row of matched.filter((r) => r.role === "evidence")) expect(row.test).toMatch(/Holm|no spread/);
    }
  });
});
