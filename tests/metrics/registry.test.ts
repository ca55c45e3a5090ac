import { describe, expect, it } from "vitest";
import { SESOI_DEFAULTS } from "../../src/experiment/sesoi.js";
import { BUILT_IN_METRICS } from "../../src/metrics/compared/index.js";
import { analyticCheck, analyticCheckNames, comparedMetric, comparedMetricNames, registerMetric } from "../../src/metrics/registry.js";
import { rowsOf } from "../report/claim-rows.js";
import { measuredRun, zeroMetrics } from "../report/measured-run.js";

describe("the metric registry", () => {
  it("holds every built-in metric under its own name, once", () => {
    expect(comparedMetricNames().slice(0, BUILT_IN_METRICS.length)).toEqual(BUILT_IN_METRICS.map((m) => m.name));
    expect(new Set(BUILT_IN_METRICS.map((m) => m.name)).size).toBe(BUILT_IN_METRICS.length);
    expect(() => registerMetric(BUILT_IN_METRICS[0])).toThrow(/a metric named reliabilityPull is registered already/);
  });

  it("each reads its field of a run's record, a difference inside the run where it says so", () => {
    const m = {
      ...zeroMetrics(),
      reliability: { pull: -0.04, meanAbsBias: 0, bins: [] },
      sharpnessRatio: { gradient: 0.9, laplacianVariance: 0.7 },
      mse: 8.4,
      rate: 21,
    };
    expect([
      comparedMetric("reliabilityPull").value(m),
      comparedMetric("sharpness").value(m),
      comparedMetric("laplacianRatio").value(m),
      comparedMetric("mse").value(m),
      comparedMetric("rate").value(m),
    ]).toEqual([-0.04, 0.9, 0.7, 8.4, 21]);
    // A record without the field (an AE has no rate; a thresholded run no push sweep) reads NaN: left out, never 0.
    expect(comparedMetric("rate").value(zeroMetrics())).toBeNaN();
    expect(comparedMetric("pushGradient").value(zeroMetrics())).toBeNaN();
    const push = (k: number, g: number) => ({ k, gradientRatio: g, laplacianRatio: 0, highFrequencyRatio: 0, mse: 0, midGreyShare: 0 });
    const pushed = { ...zeroMetrics(), pushSweep: [push(1, 0.8), push(2, 0.85), push(3, 0.95)] };
    expect(comparedMetric("pushGradient").value(pushed)).toBeCloseTo(0.15, 12);
    expect(comparedMetric("pushGradient").within).toMatchObject({ text: "pushed (k = 3) − as trained" });
    expect(comparedMetric("pushGradient").within!.baseline(pushed)).toBe(0.8);
  });

  it("every metric's smallest effect of interest has a default: its unit is in the table or brings its own", () => {
    for (const m of BUILT_IN_METRICS) expect(m.sesoi in SESOI_DEFAULTS || (m.sesoiDefault ?? 0) > 0, m.name).toBe(true);
  });

  it("an unknown name fails with the registered ones", () => {
    expect(() => comparedMetric("blur")).toThrow(/^unknown metric "blur" \(registered: reliabilityPull, sharpness, /);
    expect(analyticCheckNames()).toEqual(["bce-asymmetry", "bce-near-half"]);
    expect(() => analyticCheck("c1")).toThrow(/^unknown analytic check "c1"/);
  });
});

describe("a metric of one's own", () => {
  it("is one registration away from an experiment file's comparisons, with a unit and default of its own", () => {
    registerMetric({
      name: "testBrightness",
      label: "mean output brightness gap (test metric)",
      sesoi: "testBrightness",
      sesoiDefault: 0.02,
      value: (m) => m.midGreyTarget - m.midGreyOutput,
    });
    const runs = [1, 2, 3].flatMap((s) => [
      measuredRun("dim", {}, s, { midGreyTarget: 0.5, midGreyOutput: 0.3 + s * 0.001 }),
      measuredRun("bright", {}, s, { midGreyTarget: 0.5, midGreyOutput: 0.45 + s * 0.0012 }),
    ]);
    const [row] = rowsOf(
      runs,
      "claims:\n  - { id: B1, statement: Dim outputs lose more brightness., comparisons: [{ a: { loss: dim }, b: { loss: bright }, metric: testBrightness, expect: greater }] }\n",
    );
    expect(row).toMatchObject({ claim: "B1", metric: "mean output brightness gap (test metric)", sesoi: "±0.0200", verdict: "supported" });
  });
});
