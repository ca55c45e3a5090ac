import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { loadExperiment, startExperiment } from "../../src/experiment/index.js";
import { writeReport, REPORT_TB_RUN } from "../../src/report/index.js";
import { readEvents } from "../../src/tensorboard/index.js";

const logdir = mkdtempSync(join(tmpdir(), "aelab-report-"));
const file = join(logdir, "tiny-claim.yaml");
writeFileSync(
  file,
  `name: tiny-claim
description: A tiny grid for the report's end-to-end test.
base: ${resolve("configs/ae-mse.yaml")}
set:
  train.epochs: 1
  data.trainLimit: 256
  data.testLimit: 64
  model.encoder.hidden: [32]
  model.decoder.hidden: [32]
  model.discriminator: { type: mlp, hidden: [32] }
  log.images: 8
  adversarial.weight: 5
axes:
  loss:
    ae-mse: { model.variant: ae, model.recon: mse }
    ae-bce: { model.variant: ae, model.recon: bce }
    ae-mse+gan: { model.variant: ae+gan, model.recon: mse }
  binarize:
    none: { data.binarize: none }
    threshold: { data.binarize: threshold }
  seed: [1, 2]
exclude:
  - { loss: ae-mse+gan, binarize: threshold }
question: do the presets' claims read the same on a tiny grid?
confounds:
  - "**Tiny.** Two seeds of one epoch each: a test of the report, not of the claims."
claims:
  - { id: C1, statement: BCE is asymmetric around a greyscale target., analytic: bce-asymmetry }
  - id: C3
    statement: BCE-trained reconstructions are blurrier than MSE-trained ones.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, where: { binarize: none }, metric: [reliabilityPull, sharpness], expect: less }
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, where: { binarize: threshold }, metric: sharpness, label: "sharpness ratio, binarized targets", expect: less, role: control, note: about greyscale targets only }
  - id: C4
    statement: MSE-trained outputs are unbiased.
    comparisons:
      - { a: { loss: ae-mse }, where: { binarize: none }, against: 0, metric: reliabilityPull, expect: equivalent }
      - { reference: class-mean-oracle, where: { binarize: none }, against: 0, metric: reliabilityPull, expect: equivalent, role: reference, note: what an unbiased model scores }
  - id: C5
    statement: Pushing outputs away from ½ sharpens their edges.
    comparisons:
      - { a: { loss: ae-mse }, where: { binarize: none }, against: 0, metric: pushGradient, expect: greater }
      - { a: { loss: ae-mse, binarize: threshold }, b: { loss: ae-mse, binarize: none }, metric: sharpnessVsGrey, expect: greater }
  - id: C6
    statement: A learned adversarial loss gives sharper outputs.
    comparisons:
      - { a: { loss: ae-mse+gan }, b: { loss: ae-mse }, where: { binarize: none }, metric: sharpness, expect: greater }
`,
);

const dir = join(logdir, "tiny-claim");
let first: Awaited<ReturnType<typeof writeReport>>;

beforeAll(async () => {
  await selectBackend("wasm");
  const experiment = loadExperiment(file, { logdir });
  const outcome = await startExperiment(experiment, { workers: 2, force: false, report: false, log: () => {} }).done;
  expect(outcome.failed).toEqual([]);
  first = await writeReport(dir);
}, 600_000);

describe("the experiment report", () => {
  it("groups the runs by their non-seed levels and measures every one", () => {
    expect(first.groups.map((g) => g.name).sort()).toEqual(["ae-bce/none", "ae-bce/threshold", "ae-mse+gan/none", "ae-mse/none", "ae-mse/threshold"]);
    for (const g of first.groups) expect(g.runs.map((r) => r.traits.seed)).toEqual([1, 2]);
    expect(first.missing).toEqual([]);
    for (const g of first.groups) for (const r of g.runs) expect(existsSync(join(r.metrics.run, "metrics.json"))).toBe(true);
  });

  it("measures the class-mean oracle once per seed and binarization, as a reference outside the groups", () => {
    expect(first.references.map((g) => `${g.name}: ${g.runs.map((r) => r.traits.seed).join(",")}`)).toEqual([
      "class-mean oracle: 1,2",
      "class-mean oracle [threshold]: 1,2",
    ]);
    expect(first.references.every((g) => g.reference !== undefined)).toBe(true);
    // Unbiased by construction: its reliability pull is near 0 on the greyscale targets, unlike the target-conditioned signed error.
    for (const r of first.references[0].runs) {
      // Measured: pull 0.007 and 0.014 (class means of ~25 training images each), against -0.07 for pullTowardHalf and -0.26 on x > 0.
      expect(Math.abs(r.metrics.reliability.pull)).toBeLessThan(0.03);
      expect(Math.abs(r.metrics.reliability.pull)).toBeLessThan(Math.abs(r.metrics.pullTowardHalf) / 3);
      expect(r.metrics.signedErrorNonZero).toBeLessThan(-0.15);
      expect(r.metrics.pushSweep?.map((p) => p.k)).toEqual([1, 2, 3, 5]);
    }
    const models = first.groups.flatMap((g) => g.runs);
    expect(models.filter((r) => r.traits.binarize === "none").every((r) => r.metrics.pushSweep?.length === 4)).toBe(true);
    expect(
      models
        .filter((r) => r.traits.binarize === "threshold")
        .every((r) => r.metrics.pushSweep === undefined && Number.isFinite(r.metrics.sharpnessVsGrey.gradient)),
    ).toBe(true);
  });

  it("writes report.md with the verdict table, the metrics table, the confounds and its figures", async () => {
    const md = readFileSync(first.reportPath, "utf8");
    expect(md).toContain("## Claims and verdicts");
    expect(md).toMatch(/\| C1 \| target 0\.8: predict 0\.9 vs 0\.7 \|.*\*\*holds\*\*/);
    expect(md).toMatch(/\| C3 \| AE-BCE†? − AE-MSE†? \| sharpness ratio/);
    expect(md).toMatch(/\| C6 \| AE-MSE\+GAN\(λ=5\)†? − AE-MSE†? \|/);
    expect(md).toMatch(/\| C5 \| AE-MSE \[threshold\]†? − AE-MSE†? \|/);
    expect(md).toContain("## Confounds and how they are controlled\n\n- **Tiny.** Two seeds of one epoch each: a test of the report, not of the claims.");
    expect(md).toContain(
      "| smallest effect of interest | effect: mean difference [95% CI]; relative to the baseline | difference test (p, Holm-adjusted p) | equivalence test (p, Holm-adjusted p) | verdict |",
    );
    expect(md).toContain("- `sharpnessGradient`: 0.0500 (default)");
    expect(md).toMatch(/\| C3 \| AE-BCE \[threshold\]†? − AE-MSE \[threshold\]†? \| sharpness ratio, binarized targets \|.*\| \*control\*: /);
    expect(md).toMatch(/\| ae-mse\/none \| 2 \| \d/);
    const images = [...md.matchAll(/!\[[^\]]*\]\(([^)]+\.png)\)/g)].map((m) => m[1]);
    expect(images).toEqual(
      expect.arrayContaining([
        "fig-signed-error-ae.png",
        "fig-reliability-ae.png",
        "fig-push-sweep.png",
        "fig-sharpness.png",
        "fig-reconstructions-none.png",
        "losses.png",
        "ratio.png",
      ]),
    );
    expect(md).toMatch(/\| \*class-mean oracle\* \| 2 \| \d/);
    expect(md).toMatch(/\| \*class-mean oracle \[threshold\]\* \| 2 \| \d/);
    expect(md).toMatch(/\| C4 \| class-mean oracle vs 0 \| reliability pull .*\| \*reference\*: /);
    expect(md).toMatch(/\| C5 \| AE-MSE†?: pushed \(k = 3\) − as trained \| sharpness ratio \(gradient\) \|/);
    expect(md).toContain("### The push sweep");
    // Its title is the file's question; it opens with the answer, one line per claim, verdict first, before the verdict table.
    const lines = md.split("\n");
    expect(lines[0]).toBe("# tiny-claim: do the presets' claims read the same on a tiny grid?");
    expect(lines.slice(2, 7).map((l) => l.split("**")[1])).toEqual([
      "C1 holds",
      ...["C3", "C4", "C5", "C6"].map((id) => expect.stringMatching(new RegExp(`^${id} (supported|contradicted|equivalent|inconclusive|mixed|not measured)$`))),
    ]);
    expect(lines[7]).toBe("- **Convergence**: unknown; the models trained for a fixed number of epochs without early stopping.");
    expect(md.indexOf(lines[7])).toBeLessThan(md.indexOf("## Claims and verdicts"));
    // Convergence per group, and learning curves from run.json's test loss (these runs have no validation split).
    expect(md).toContain("## Convergence");
    expect(md).toMatch(/\| ae-mse\/none \| 2 \| unknown \(no early stopping: fixed budget\) \| – \| 1 \| – \|/);
    expect(images).toContain("fig-learning-curves-ae.png");
    for (const image of images) {
      const meta = await sharp(join(dir, image)).metadata();
      expect(meta.width, image).toBeGreaterThan(50);
    }
    // The greyscale panel: a labelled row of targets and one per group, 8 digits each drawn 3x (84 pixels, 4-pixel gaps).
    const panel = await sharp(join(dir, "fig-reconstructions-none.png")).metadata();
    expect(panel.height).toBe(4 * 84 + 5 * 4);
    expect(panel.width).toBeGreaterThan(8 * 84 + 9 * 4);
  });

  it("every verdict row's numbers are recomputed identically from the runs", async () => {
    const again = await writeReport(dir, { recompute: true });
    expect(again.rows).toEqual(first.rows);
  });

  it("puts the figures and the verdict table into a TensorBoard run of the experiment folder", () => {
    const tb = join(dir, REPORT_TB_RUN);
    const files = readdirSync(tb).filter((f) => f.includes("tfevents"));
    expect(files).toHaveLength(1);
    const tags = readEvents(readFileSync(join(tb, files[0]))).flatMap((e) => (e.summary?.value ?? []).map((v) => v.tag));
    expect(tags).toEqual(expect.arrayContaining(["report/fig-sharpness", "report/fig-reconstructions-none", "report/verdicts"]));
  });

  it("over a partly failed experiment, names the cells it leaves out and reports the rest", async () => {
    const cell = first.groups.find((g) => g.name === "ae-bce/none")!.runs[0];
    const runJson = join(cell.metrics.run, "run.json");
    const original = readFileSync(runJson, "utf8");
    writeFileSync(runJson, JSON.stringify({ ...JSON.parse(original), status: "failed", error: "loss became NaN at step 3" }));
    try {
      const partial = await writeReport(dir);
      expect(partial.missing).toEqual(["ae-bce/none/seed-1"]);
      expect(partial.groups.find((g) => g.name === "ae-bce/none")!.runs.map((r) => r.traits.seed)).toEqual([2]);
      expect(readFileSync(partial.reportPath, "utf8")).toContain("1 cell(s) not completed and left out: ae-bce/none/seed-1");
    } finally {
      writeFileSync(runJson, original);
    }
  });
});

it("a run whose weights went non-finite is reported as degenerate, and the report goes on without it", async () => {
  const record = JSON.parse(readFileSync(join(dir, "experiment.json"), "utf8")) as {
    cells: Array<{ name: string; dir: string; levels: Record<string, string> }>;
  };
  const cell = record.cells.find((c) => c.levels.loss === "ae-bce" && c.levels.binarize === "threshold" && c.levels.seed === "2")!;
  const runDir = join(dir, cell.dir);
  const checkpoint = join(runDir, "checkpoint");
  for (const network of readdirSync(checkpoint)) {
    const weights = join(checkpoint, network, "weights.bin");
    if (existsSync(weights)) writeFileSync(weights, Buffer.from(new Float32Array(readFileSync(weights).length / 4).fill(NaN).buffer));
  }
  rmSync(join(runDir, "metrics.json"));
  const outcome = await writeReport(dir);
  expect(outcome.unmeasured).toEqual([
    { cell: cell.name, reason: expect.stringMatching(/^degenerate run: \d+ of its \d+ reconstructed pixel values are not finite$/) },
  ]);
  expect(outcome.groups.find((g) => g.name === "ae-bce/threshold")!.runs.map((r) => r.traits.seed)).toEqual([1]);
  expect(outcome.groups.filter((g) => g.name !== "ae-bce/threshold").every((g) => g.runs.length === 2)).toBe(true);
  const md = readFileSync(outcome.reportPath, "utf8");
  expect(md).toContain(`### Runs that could not be measured`);
  expect(md).toContain(`- ${cell.name}: degenerate run: `);
  expect(md).toMatch(/\| ae-bce\/threshold \| 1 \| [^|]* \(1 seed: no spread\) \|/);
}, 300_000);
