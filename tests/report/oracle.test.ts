import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import type { FloatSplit, Split } from "../../src/data/index.js";
import { classMeanOracle, classMeans, type FeatureClassifier } from "../../src/metrics/index.js";
import type { VerdictRow } from "../../src/report/rows.js";
import { drawFigures } from "../../src/report/figures.js";
import { groupRuns, type Group, type MeasuredRun, type RunTraits } from "../../src/report/groups.js";
import { metricsTable, pushSweepTable } from "../../src/report/markdown.js";
import { ORACLE_NAME, ORACLE_NOTE } from "../../src/report/oracle-note.js";
import { sharedLevels } from "../../src/report/oracle.js";
import { measure, PUSH_STRENGTHS, type RunMetrics } from "../../src/report/run-metrics.js";
import { summaryLines } from "../../src/report/summary.js";
import { rowsOf } from "./claim-rows.js";

/**
 * A synthetic experiment, no training: digit-like 12x12 images (ten class templates, mostly exact zeros, plus pixel
 * noise) split per seed into train and test. "AE-MSE" predicts the class mean (an unbiased conditional-mean model,
 * as MSE training converges to) with a little noise; "AE-BCE" predicts it shrunk toward 1/2 by 40%.
 */
const shape = { height: 12, width: 12, channels: 1 };
const perImage = 144;
const CLASSES = 10;

/** mulberry32: a small seeded generator, so the data are the same on every run of the test. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clip01 = (v: number) => Math.min(1, Math.max(0, v));

const templates = (() => {
  const r = random(99);
  return Array.from({ length: CLASSES }, () => Float32Array.from({ length: perImage }, () => (r() < 0.55 ? 0 : r())));
})();

function split(count: number, r: () => number): FloatSplit {
  const images = new Float32Array(count * perImage);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const k = n % CLASSES;
    labels[n] = k;
    // Gaussian-ish noise (sum of uniforms); clipping keeps most background pixels at exactly 0, as in MNIST.
    for (let i = 0; i < perImage; i++) images[n * perImage + i] = clip01(templates[k][i] + 0.35 * (r() + r() + r() - 1.5));
  }
  return { images, labels, count };
}

/** A nearest-class-mean classifier (logits x·m_k − |m_k|²/2), enough for the metrics that need one. */
function nearestMeanClassifier(train: Split): FeatureClassifier {
  const { means } = classMeans(train, shape);
  const m = tf.tensor2d(means, [CLASSES, perImage]);
  const half = tf.mul(tf.sum(tf.square(m), 1), 0.5);
  const logits = (x: tf.Tensor4D) => tf.tidy(() => tf.sub(tf.matMul(tf.reshape(x, [x.shape[0], perImage]), m, false, true), half) as tf.Tensor2D);
  return {
    logits,
    features: logits,
    featureSize: CLASSES,
    inputShape: shape,
    testAccuracy: NaN,
    key: "test",
    dir: "",
    model: undefined as never,
  } as unknown as FeatureClassifier;
}

const SEEDS = [1, 2, 3];
const traits = (seed: number, more: Partial<RunTraits> = {}): RunTraits => ({
  variant: "ae",
  family: "ae",
  recon: "mse",
  adversarial: false,
  adversarialWeight: 0,
  binarize: "none",
  beta: 1,
  networks: "mlp/mlp",
  dataset: "mnist",
  seed,
  ...more,
});

/** The presets' C3, C4 and C5, written for this experiment's one axis. */
const CLAIMS = `claims:
  - id: C3
    statement: BCE pulls outputs toward ½.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, metric: reliabilityPull, expect: less }
  - id: C4
    statement: MSE is unbiased.
    comparisons:
      - { a: { loss: ae-mse }, against: 0, metric: [reliabilityPull, signedError], expect: equivalent }
      - { a: { loss: ae-mse }, against: 0, metric: signedErrorNonZero, expect: equivalent, role: descriptive, note: selects pixels by their target, quoteReference: true }
      - { reference: class-mean-oracle, against: 0, metric: [reliabilityPull, signedErrorNonZero], expect: equivalent, role: reference, note: what an unbiased model scores }
  - id: C5
    statement: Pushing outputs from ½ sharpens them.
    comparisons:
      - { a: { loss: ae-mse }, against: 0, metric: [pushGradient, pushLaplacian, pushHighFrequency], expect: greater }
      - { a: { loss: ae-mse }, against: 0, metric: pushMse, expect: greater, role: descriptive }
      - { a: { loss: ae-bce }, against: 0, metric: [pushGradient, pushLaplacian, pushHighFrequency], expect: greater }
      - { a: { loss: ae-bce }, against: 0, metric: pushMse, expect: greater, role: descriptive }
`;

let groups: Group[];
let oracle: Group;
let rows: VerdictRow[];

beforeAll(async () => {
  await selectBackend("wasm");
  const runs: MeasuredRun[] = [];
  const oracleRuns: MeasuredRun[] = [];
  for (const seed of SEEDS) {
    const r = random(seed);
    const train = split(400, r);
    const test = split(200, r);
    const classifier = nearestMeanClassifier(train);
    const predictions = classMeanOracle(train, test, shape).pixels;
    const measured = (name: string, outputs: Float32Array): RunMetrics =>
      measure({ run: `${name}/seed-${seed}`, step: 1, targets: test, greyTargets: test.images, greyscale: true, outputs, shape, classifier });
    const mse = predictions.map((v) => clip01(v + 0.01 * (r() - 0.5)));
    const bce = predictions.map((v) => 0.5 + 0.6 * (v - 0.5));
    runs.push({ cell: `ae-mse/${seed}`, group: "ae-mse", levels: { loss: "ae-mse" }, traits: traits(seed), metrics: measured("ae-mse", mse) });
    runs.push({
      cell: `ae-bce/${seed}`,
      group: "ae-bce",
      levels: { loss: "ae-bce" },
      traits: traits(seed, { recon: "bce" }),
      metrics: measured("ae-bce", bce),
    });
    oracleRuns.push({ cell: `oracle/${seed}`, group: ORACLE_NAME, levels: {}, traits: traits(seed), metrics: measured(ORACLE_NAME, predictions) });
  }
  groups = groupRuns(runs);
  oracle = { ...groupRuns(oracleRuns)[0], reference: ORACLE_NOTE };
  rows = rowsOf(runs, CLAIMS, [oracle]);
}, 120_000);

describe("the class-mean oracle as a reference", () => {
  it("scores about 0 on the reliability pull, where the target-conditioned numbers call it biased", () => {
    for (const run of oracle.runs) {
      expect(Math.abs(run.metrics.reliability.pull)).toBeLessThan(0.004);
      expect(run.metrics.signedErrorNonZero).toBeLessThan(-0.02);
      expect(run.metrics.pullTowardHalf).toBeLessThan(-0.01);
    }
  });

  it("has the reference rows the file declares, outside the tally and the Holm family, and never enters a comparison", () => {
    const reference = rows.filter((r) => r.role === "reference");
    expect(reference.map((r) => `${r.claim} ${r.comparison}`)).toEqual([`C4 ${ORACLE_NAME} vs 0`, `C4 ${ORACLE_NAME} vs 0`]);
    expect(reference.every((r) => r.verdict === "reference" && r.p?.differenceAdjusted === undefined)).toBe(true);
    expect(rows.filter((r) => r.role !== "reference").some((r) => r.comparison.includes(ORACLE_NAME))).toBe(false);
    // The descriptive row names what the unbiased oracle scores on the same metric.
    const descriptive = rows.find((r) => r.claim === "C4" && r.role === "descriptive")!;
    expect(descriptive.note).toMatch(new RegExp(`the ${ORACLE_NAME} scores -0\\.\\d+ here$`));
  });

  it("carries the levels every run it stands beside shares, which a file's where selects it by", () => {
    const levels = [
      { dataset: "mnist", loss: "ae-mse", binarize: "none", seed: "1" },
      { dataset: "mnist", loss: "ae-bce", binarize: "none", seed: "2" },
    ];
    expect(sharedLevels(levels)).toEqual({ dataset: "mnist", binarize: "none" });
    expect(sharedLevels([])).toEqual({});
  });

  it("is a row of the metrics table, in italics after the groups", () => {
    const table = metricsTable(groups, [oracle]).split("\n");
    expect(table[table.length - 1]).toMatch(new RegExp(`^\\| \\*${ORACLE_NAME}\\* \\| 3 \\| `));
    expect(table[0]).toContain("| reliability pull |");
  });
});

describe("C3 and C4 on the reliability pull", () => {
  it("a group shrunk toward 1/2 supports C3", () => {
    const row = rows.find((r) => r.claim === "C3" && r.metric.startsWith("reliability pull"))!;
    expect(row.comparison).toBe("AE-BCE − AE-MSE");
    expect(row.verdict).toBe("supported");
    expect(row.p!.differenceAdjusted).toBeLessThan(0.05);
  });

  it("the near-unbiased MSE group's pull is no different from 0 that matters", () => {
    const row = rows.find((r) => r.claim === "C4" && r.role === "evidence" && r.metric.startsWith("reliability pull"))!;
    expect(row.comparison).toBe("AE-MSE vs 0");
    expect(row.p!.equivalence).toBeLessThan(0.05);
    expect(row.verdict).toBe("supported");
  });
});

describe("the push sweep", () => {
  it("is measured for greyscale runs at every k, k = 1 being the outputs as trained", () => {
    const sweep = groups[0].runs[0].metrics.pushSweep!;
    expect(sweep.map((r) => r.k)).toEqual([...PUSH_STRENGTHS]);
    expect(sweep[0].mse).toBeCloseTo(groups[0].runs[0].metrics.mse, 4);
    expect(pushSweepTable(groups).split("\n")).toHaveLength(2 + 2 * PUSH_STRENGTHS.length);
  });

  it("has rows for both greyscale groups: sharper when pushed (evidence), at an MSE cost (descriptive)", () => {
    const c5 = rows.filter((r) => r.claim === "C5");
    expect(c5.map((r) => `${r.comparison} | ${r.metric.split(",")[0]} | ${r.role}`)).toEqual([
      "AE-MSE: pushed (k = 3) − as trained | sharpness ratio (gradient) | evidence",
      "AE-MSE: pushed (k = 3) − as trained | Laplacian-variance ratio | evidence",
      "AE-MSE: pushed (k = 3) − as trained | high-frequency energy ratio | evidence",
      "AE-MSE: pushed (k = 3) − as trained | MSE (sum per image) | descriptive",
      "AE-BCE: pushed (k = 3) − as trained | sharpness ratio (gradient) | evidence",
      "AE-BCE: pushed (k = 3) − as trained | Laplacian-variance ratio | evidence",
      "AE-BCE: pushed (k = 3) − as trained | high-frequency energy ratio | evidence",
      "AE-BCE: pushed (k = 3) − as trained | MSE (sum per image) | descriptive",
    ]);
    const gradient = c5.find((r) => r.comparison.startsWith("AE-BCE") && r.metric.startsWith("sharpness"))!;
    expect(gradient.verdict).toBe("supported");
    expect(gradient.test).toMatch(/^paired t\(2\) = /);
  });
});

it("draws the reliability diagram with the oracle and the push-sweep figure", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aelab-oracle-figures-"));
  const figures = await drawFigures(dir, groups, [oracle]);
  const files = figures.map((f) => f.file);
  expect(files).toEqual(expect.arrayContaining(["fig-reliability-ae.png", "fig-push-sweep.png", "fig-pull.png"]));
  for (const f of ["fig-reliability-ae.svg", "fig-push-sweep.svg"]) expect(existsSync(join(dir, f))).toBe(true);
  expect(figures.find((f) => f.file === "fig-reliability-ae.png")!.png.length).toBeGreaterThan(1000);
}, 60_000);

it("the terminal summary counts the tally's verdicts only, the other rows apart, and names runs that could not be measured", () => {
  const lines = summaryLines({
    reportPath: "r/report.md",
    groups,
    rows,
    missing: ["c9"],
    unmeasured: [{ cell: "c7", reason: "degenerate run: 3 of its 64 reconstructed pixel values are not finite" }],
  });
  const evidence = rows.filter((r) => r.role === "evidence");
  const outside = rows.length - evidence.length;
  expect(outside).toBeGreaterThan(0);
  const [, inTally, counts, outsideText] = lines[0].match(/; (\d+) verdict rows in the tally: ([^;]*); (\d+) outside the tally/)!;
  expect(Number(inTally)).toBe(evidence.length);
  expect(Number(outsideText)).toBe(outside);
  const counted = [...counts.matchAll(/(\d+) ([a-z]+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  expect(counted).toBe(evidence.length);
  expect(counts).not.toMatch(/reference|descriptive/);
  expect(lines.slice(1)).toEqual([
    "left out (not completed): c9",
    "left out (could not be measured): c7: degenerate run: 3 of its 64 reconstructed pixel values are not finite",
  ]);
});
