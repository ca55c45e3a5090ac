import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { expandGrid } from "../../src/experiment/grid.js";
import { SESOI_DEFAULTS } from "../../src/experiment/sesoi.js";
import { readExperimentFile } from "../../src/experiment/spec.js";
import { groupRuns, traitsOf, type MeasuredRun, type RunTraits } from "../../src/report/groups.js";
import { reportMarkdown } from "../../src/report/markdown.js";
import { commonRange, interpolateAtRate, matchedRates, rateRange } from "../../src/report/rate-distortion-curve.js";
import { RATE_DISTORTION_FILE, rateDistortionFigure, rateDistortionSpec } from "../../src/report/rate-distortion-figure.js";
import { rateDistortionSection } from "../../src/report/rate-distortion-markdown.js";
import { rateDistortion, rateDistortionFamilies } from "../../src/report/rate-distortion.js";
import type { RunMetrics } from "../../src/report/run-metrics.js";
import { rowsOf } from "./claim-rows.js";
import { zeroMetrics } from "./measured-run.js";

function metrics(over: Partial<RunMetrics>): RunMetrics {
  return { ...zeroMetrics(), version: 4, ...over };
}

const VAE: Omit<RunTraits, "seed"> = {
  variant: "vae",
  family: "vae",
  recon: "bce",
  adversarial: false,
  adversarialWeight: 0,
  binarize: "none",
  beta: 1,
  networks: "mlp/mlp",
  dataset: "mnist",
};

function run(group: string, traits: Partial<RunTraits>, seed: number, m: Partial<RunMetrics>): MeasuredRun {
  return {
    cell: `${group}/seed-${seed}`,
    group,
    levels: { loss: group },
    traits: { ...VAE, seed, ...traits },
    metrics: metrics({ run: `${group}/seed-${seed}`, ...m }),
  };
}

/** A run of a β sweep: its levels name the likelihood and the β, as an experiment file's axes would. */
function sweepRun(recon: "bce" | "mse" | "cbernoulli", beta: number, seed: number, m: Partial<RunMetrics>, traits: Partial<RunTraits> = {}): MeasuredRun {
  const levels = { likelihood: recon, beta: `beta-${beta}` };
  return { ...run(`${recon}/beta-${beta}`, { recon, beta, ...traits }, seed, m), levels };
}

/** BCE against MSE along their β sweeps, as experiments/rate-distortion.yaml declares it. */
const ALONG = (role = "tallied") => `claims:
  - id: C3
    statement: BCE blurs, at matched rate too.
    comparisons:
      - { a: { likelihood: bce }, b: { likelihood: mse }, along: beta, metric: mse, label: "distortion: MSE (sum per image)", expect: equivalent, role: ${role === "tallied" ? "descriptive" : role}, note: the trade-off }
      - { a: { likelihood: bce }, b: { likelihood: mse }, along: beta, metric: [sharpness, highFrequency, reliabilityPull], expect: less, role: ${role} }
`;

describe("interpolation along a curve", () => {
  // Linear in log rate: piecewise-linear interpolation in log rate must reproduce it exactly.
  const line = (rate: number) => 3 + 2 * Math.log(rate);
  const points = [30, 1, 8, 2].map((rate) => ({ rate, value: line(rate) }));

  it("is exact on data linear in log rate, between and at the measured points, whatever their order", () => {
    for (const rate of [1, 1.5, 2, 4.5, 8, 12.25, 29.9, 30]) expect(interpolateAtRate(points, rate)).toBeCloseTo(line(rate), 12);
  });

  it("refuses rates outside the curve, and a curve of one rate", () => {
    expect(interpolateAtRate(points, 0.999)).toBeUndefined();
    expect(interpolateAtRate(points, 30.01)).toBeUndefined();
    expect(interpolateAtRate([{ rate: 5, value: 1 }], 5)).toBeUndefined();
    // A rate of 0 or NaN has no place on a log axis: left off, the range is the other points' (1, 8, 2).
    expect(rateRange([{ rate: 0, value: 1 }, { rate: NaN, value: 1 }, ...points.slice(1)])).toEqual({ lo: 1, hi: 8 });
  });

  it("compares only inside the overlap, and finds none for disjoint or touching ranges", () => {
    expect(
      commonRange([
        { lo: 1, hi: 10 },
        { lo: 4, hi: 20 },
      ]),
    ).toEqual({ lo: 4, hi: 10 });
    expect(
      commonRange([
        { lo: 1, hi: 3 },
        { lo: 4, hi: 20 },
      ]),
    ).toBeUndefined();
    expect(
      commonRange([
        { lo: 1, hi: 4 },
        { lo: 4, hi: 20 },
      ]),
    ).toBeUndefined();
    const rates = matchedRates({ lo: 4, hi: 64 }, 3);
    expect(rates.map((r) => Math.log2(r))).toEqual([3, 4, 5].map((v) => expect.closeTo(v, 12)));
  });
});

describe("rate-distortion families", () => {
  it("recognises one family per likelihood in the example experiment's grid, each a sweep of five β over three seeds", () => {
    const spec = readExperimentFile("experiments/rate-distortion.yaml");
    const { cells, excluded } = expandGrid(spec);
    expect(excluded).toEqual([]);
    const runs = cells.map((cell): MeasuredRun => {
      const config = loadConfig(spec.basePath, cell.assignments);
      const group = `${cell.levels.likelihood}/${cell.levels.beta}`;
      return { cell: cell.name, group, levels: cell.levels, traits: traitsOf(config), metrics: metrics({}) };
    });
    const { families, notes } = rateDistortionFamilies(groupRuns(runs));
    expect(notes).toEqual([]);
    expect(families.map((f) => f.name)).toEqual(["VAE-BCE", "VAE-MSE", "VAE-CBERNOULLI", "VAE-GAUSSIAN (σ learned)"]);
    for (const f of families) {
      expect(f.groups.map((g) => g.traits.beta)).toEqual([0.25, 0.5, 1, 2, 4]);
      for (const g of f.groups) expect(g.runs.map((r) => r.traits.seed)).toEqual([1, 2, 3]);
    }
  });

  it("keeps likelihoods with different scales, binarizations or networks apart, and leaves out what is not a clean β sweep", () => {
    const runs = [
      ...[1, 2].map((beta) => run(`g01-${beta}`, { recon: "gaussian", scale: 0.1, beta }, 1, {})),
      ...[1, 2].map((beta) => run(`glearned-${beta}`, { recon: "gaussian", scale: "learned", beta }, 1, {})),
      ...[1, 2].map((beta) => run(`bce-thr-${beta}`, { binarize: "threshold", beta }, 1, {})),
      // Two MSE groups at β = 1 (say, two learning rates): which one is the curve is not for the report to guess.
      run("mse-a", { recon: "mse", beta: 1 }, 1, {}),
      run("mse-b", { recon: "mse", beta: 1 }, 1, {}),
      run("mse-c", { recon: "mse", beta: 2 }, 1, {}),
      // An AE and a one-β VAE trace no curve.
      run("ae", { variant: "ae", family: "ae", beta: 1 }, 1, {}),
      run("laplace", { recon: "laplace", scale: "learned", beta: 1 }, 1, {}),
    ];
    const { families, notes } = rateDistortionFamilies(groupRuns(runs));
    expect(families.map((f) => f.name)).toEqual(["VAE-GAUSSIAN (σ = 0.1)", "VAE-GAUSSIAN (σ learned)", "VAE-BCE [threshold]"]);
    expect(notes).toEqual([expect.stringMatching(/^VAE-MSE: several groups share β = 1 \(mse-a, mse-b\).*not a β sweep/)]);
  });
});

/**
 * BCE and MSE curves over four seeds, with every metric linear in log rate, so interpolation is exact and
 * the matched-rate differences are what was planted: gradient ratio BCE − MSE = −0.1 + a per-seed wobble
 * of mean 0, reliability pull within ±0.001 (inside its SESOI of 0.01), distortion +5.
 */
function plantedRuns(): MeasuredRun[] {
  const wobble = [0.01, -0.01, 0.005, -0.005];
  const runs: MeasuredRun[] = [];
  for (const seed of [1, 2, 3, 4]) {
    for (const beta of [0.5, 1, 2, 4]) {
      const w = wobble[seed - 1];
      const bceRate = (40 / beta) * (1 + 0.01 * seed);
      const mseRate = (30 / beta) * (1 + 0.01 * seed);
      const at = (rate: number, base: { g: number; d: number; pull: number }) => ({
        rate,
        mse: base.d - 10 * Math.log(rate),
        sharpnessRatio: { gradient: base.g + 0.1 * Math.log(rate), laplacianVariance: 0 },
        highFrequencyRatio: { ownTargets: base.g + 0.05 * Math.log(rate), greyTargets: 0 },
        reliability: { pull: base.pull + 0.002 * Math.log(rate), meanAbsBias: 0, bins: [] },
      });
      runs.push(sweepRun("bce", beta, seed, at(bceRate, { g: 0.5 + w, d: 100 + w, pull: -0.02 + w / 10 })));
      runs.push(sweepRun("mse", beta, seed, at(mseRate, { g: 0.6, d: 95, pull: -0.02 })));
      // A likelihood whose rates lie far above both: never compared with them.
      runs.push(sweepRun("cbernoulli", beta, seed, at(bceRate * 100, { g: 0.5, d: 90, pull: 0 })));
    }
  }
  return runs;
}

describe("the matched-rate comparison on a synthetic experiment", () => {
  const groups = groupRuns(plantedRuns());
  const rd = rateDistortion(groups);
  const rows = rowsOf(plantedRuns(), ALONG());
  const matched = rows.filter((r) => r.comparison.includes("at matched rate"));

  it("compares BCE with MSE at three rates inside the overlap of every seed's curves", () => {
    const c = rd.comparisons.find((x) => x.a.name === "VAE-BCE" && x.b.name === "VAE-MSE")!;
    // BCE spans 10.x-80.x nats and MSE 7.5x-60.x per seed: the overlap is the largest lower end to the smallest upper end.
    expect(c.overlap!.lo).toBeCloseTo(10 * 1.04, 12);
    expect(c.overlap!.hi).toBeCloseTo(60 * 1.01, 12);
    expect(c.rates).toHaveLength(3);
    // Each metric the file names, at each of the three rates.
    expect(matched.map((r) => r.comparison)).toEqual(
      Array(4)
        .fill(c.rates.map((rate) => `VAE-BCE − VAE-MSE at matched rate ${rate.toPrecision(3)} nats`))
        .flat(),
    );
  });

  it("gives the planted differences, the tallied ones tested in the Holm family", () => {
    const gradient = matched.filter((r) => r.metric.startsWith("sharpness ratio (gradient"));
    expect(gradient).toHaveLength(3);
    for (const row of gradient) {
      expect(row.effect).toMatch(/^-0\.100 \[/);
      expect(row.role).toBe("evidence");
      expect(row.verdict).toBe("supported");
      expect(row.test).toMatch(/^paired t\(3\) = .*, Holm /);
    }
    const pull = matched.filter((r) => r.metric.startsWith("reliability pull"));
    for (const row of pull) expect(row.verdict).toBe("equivalent");
    const distortion = matched.filter((r) => r.metric.startsWith("distortion"));
    for (const row of distortion) {
      expect(row.effect).toMatch(/^5\.00 \[/);
      expect(row.role).toBe("descriptive");
      expect(row.test).toContain("not in the Holm family");
    }
  });

  it("says where curves do not overlap instead of extrapolating", () => {
    const far = rd.comparisons.filter((c) => c.a.name === "VAE-CBERNOULLI" || c.b.name === "VAE-CBERNOULLI");
    expect(far).toHaveLength(2);
    for (const c of far) {
      expect(c.overlap).toBeUndefined();
      expect(c.cells).toEqual([]);
    }
    const section = rateDistortionSection(rd).join("\n");
    expect(section).toContain(
      "**VAE-BCE − VAE-CBERNOULLI**: no rate lies on both curves in every seed (nats, VAE-BCE vs VAE-CBERNOULLI, seed 1: 10.1–80.8 vs 1010–8080; seed 2:",
    );
    expect(section).toMatch(/\*\*VAE-BCE − VAE-MSE\*\*: overlap 10\.4–60\.6 nats/);
    expect(section).toMatch(/\| 0\.5 \| 4 \| 82\.0 ± 1\.03 \| 55\.9 ± /);
  });

  it("on thresholded targets the same rows are a control, and a seed with a non-finite value is left out by name", () => {
    const thresholded = plantedRuns()
      .filter((r) => r.traits.recon !== "cbernoulli")
      .map((r) => ({ ...r, traits: { ...r.traits, binarize: "threshold" as const } }))
      .map((r) =>
        r.traits.seed === 4 && r.traits.recon === "mse" && r.traits.beta === 1
          ? { ...r, metrics: { ...r.metrics, sharpnessRatio: { gradient: NaN, laplacianVariance: 0 } } }
          : r,
      );
    const control = rowsOf(thresholded, ALONG("control"));
    const rows = control.filter((r) => r.comparison.startsWith("VAE-BCE [threshold] − VAE-MSE [threshold] at matched rate"));
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(["control"]));
    const gradient = rows.filter((r) => r.metric.startsWith("sharpness ratio (gradient"));
    // Seed 4's MSE curve is at 15.6, 31.2 (β = 1) and 62.4 nats: each matched rate (16.2, 25.1, 39.0) has β = 1 as a neighbour.
    const leftOut = gradient.filter((r) => r.test.includes("seed 4 left out (value not finite)"));
    expect(leftOut).toHaveLength(3);
    for (const r of leftOut) expect(r.test).toMatch(/^paired t\(2\)/);
  });

  it("pairs by seed, so curves that overlap only across different seeds are not compared", () => {
    // Seed 1's curves cover 1-3 nats, seed 2's 4-10: each seed's BCE and MSE overlap, but no rate lies in both seeds'.
    const ranges: Record<string, Record<number, [number, number]>> = { bce: { 1: [1, 2], 2: [4, 8] }, mse: { 1: [1.5, 3], 2: [6, 10] } };
    const shifted = (["bce", "mse"] as const).flatMap((recon) =>
      [1, 2].flatMap((seed) => [0.5, 2].map((beta, i) => sweepRun(recon, beta, seed, { rate: ranges[recon][seed][1 - i], mse: 50 }))),
    );
    const [c] = rateDistortion(groupRuns(shifted)).comparisons;
    expect(c.perSeed).toEqual([
      { seed: 1, a: { lo: 1, hi: 2 }, b: { lo: 1.5, hi: 3 } },
      { seed: 2, a: { lo: 4, hi: 8 }, b: { lo: 6, hi: 10 } },
    ]);
    expect(c.overlap).toBeUndefined();
    expect(rowsOf(shifted, ALONG())).toEqual([]);
  });

  it("draws distortion against rate on a log axis and writes the figure, which the report lists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-rd-"));
    const figure = await rateDistortionFigure(dir, rd);
    expect(figure!.file).toBe(`${RATE_DISTORTION_FILE}.png`);
    const png = await sharp(join(dir, figure!.file)).metadata();
    expect(png.width).toBeGreaterThan(400);
    const svg = readFileSync(join(dir, `${RATE_DISTORTION_FILE}.svg`), "utf8");
    for (const name of ["VAE-BCE", "VAE-MSE", "VAE-CBERNOULLI"]) expect(svg).toContain(name);
    expect(JSON.stringify(rateDistortionSpec(rd))).toContain('"type":"log"');
    const md = reportMarkdown({
      name: "rd",
      claims: [],
      sesoiUnits: [],
      setup: [],
      confounds: [],
      groups,
      rows,
      sesoi: SESOI_DEFAULTS,
      declaredSesoi: {},
      caveats: [],
      unmeasured: [],
      figures: [figure!],
      panels: [],
      lossFigures: [],
      rateDistortion: rateDistortionSection(rd),
    });
    expect(md).toContain("## Rate–distortion");
    expect(md).toContain(`![Rate–distortion: distortion against rate per likelihood](${RATE_DISTORTION_FILE}.png)`);
    expect(existsSync(join(dir, `${RATE_DISTORTION_FILE}.png`))).toBe(true);
  });

  it("draws nothing when no run has a measured rate", async () => {
    const withoutRate = plantedRuns().map((r) => ({ ...r, metrics: { ...r.metrics, rate: undefined } }));
    const empty = rateDistortion(groupRuns(withoutRate));
    expect(empty.comparisons.every((c) => c.seeds.length === 0 && c.cells.length === 0)).toBe(true);
    expect(rateDistortionSpec(empty)).toBeUndefined();
    expect(rowsOf(withoutRate, ALONG())).toEqual([]);
  });
});
