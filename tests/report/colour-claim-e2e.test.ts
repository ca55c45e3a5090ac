import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { writeReport } from "../../src/report/index.js";

// experiments/examples/colour-claim.yaml as a user would run it on the generated colour shapes, shrunk on the
// command line only (tiny conv networks, one epoch, a slice of the data): colour runs through the cells, the
// metrics and the report's panel.
const FILE = "experiments/examples/colour-claim.yaml";
const TINY = [
  "train.epochs=1",
  "data.trainLimit=128",
  "data.testLimit=32",
  "train.batchSize=64",
  "model.encoder.filters=[4, 8]",
  "model.decoder.startChannels=8",
  "model.decoder.filters=[8, 4]",
  "model.latent.size=4",
  "model.discriminator.filters=[4, 8]",
  "log.images=8",
];
const logdir = mkdtempSync(join(tmpdir(), "aelab-colour-claim-"));
let outcome: Awaited<ReturnType<typeof writeReport>>;
let md: string;
let experimentDir: string;

beforeAll(async () => {
  await selectBackend("wasm");
  const experiment = loadExperiment(FILE, { logdir, set: TINY });
  experimentDir = experiment.dir;
  const done = await startExperiment(experiment, { workers: 2, force: false, report: false, log: () => {} }).done;
  expect(done.failed).toEqual([]);
  outcome = await writeReport(experiment.dir);
  md = readFileSync(outcome.reportPath, "utf8");
}, 600_000);

describe("the colour example experiment", () => {
  it("trains every cell on 32x32 RGB images and records the shape", () => {
    expect(outcome.groups.map((g) => g.name)).toEqual(["ae-mse+gan", "vae-mse+gan", "ae-mse", "ae-bce", "vae-mse", "vae-bce"]);
    const run = JSON.parse(readFileSync(join(experimentDir, "ae-mse", "seed-1", "run.json"), "utf8")) as {
      dataset: { name: string; height: number; width: number; channels: number };
    };
    expect(run.dataset).toMatchObject({ name: "synth", height: 32, width: 32, channels: 3 });
  });

  it("answers its own claims with computed verdicts, the classifier's metrics included", () => {
    expect([...new Set(outcome.rows.map((r) => r.claim))]).toEqual(["A1", "A2", "A3", "D1"]);
    for (const r of outcome.rows.filter((row) => row.role === "evidence"))
      expect(["supported", "contradicted", "equivalent", "inconclusive"]).toContain(r.verdict);
    for (const g of outcome.groups) for (const r of g.runs) expect(r.metrics.classifierAccuracy).toBeGreaterThanOrEqual(0);
    expect(md.split("\n")[0]).toBe("# colour-claim: Which reconstruction loss for colour images, and does a learned adversarial loss do better?");
  });

  it("draws its reconstruction panel in colour", async () => {
    const png = readFileSync(join(experimentDir, "fig-reconstructions-none.png"));
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 3) if (Math.max(Math.abs(data[i] - data[i + 1]), Math.abs(data[i + 1] - data[i + 2])) > 30) coloured++;
    // The targets' row alone is a twelfth of the panel's pixels, most of them coloured shapes and backgrounds.
    expect(coloured / (data.length / 3)).toBeGreaterThan(0.02);
  });
});
