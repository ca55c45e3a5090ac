import { describe, expect, it } from "vitest";
import { caveats, verdicts } from "../../src/report/claims.js";
import { groupRuns, type MeasuredRun, type RunTraits } from "../../src/report/groups.js";
import type { RunMetrics } from "../../src/report/run-metrics.js";

/** A measured run whose metrics are all zero except those given. */
function run(group: string, traits: Partial<RunTraits>, seed: number, metrics: Partial<RunMetrics>): MeasuredRun {
  const base: RunMetrics = {
    version: 1,
    run: `${group}/seed-${seed}`,
    step: 1,
    examples: 1,
    mse: 0,
    bce: 0,
    l1: 0,
    psnr: 0,
    ssim: 0,
    sharpnessRatio: { gradient: 0, laplacianVariance: 0 },
    outputSharpness: { gradient: 0, laplacianVariance: 0 },
    pullTowardHalf: 0,
    signedError: 0,
    signedErrorNonZero: 0,
    byIntensity: [],
    wasserstein: 0,
    midGreyOutput: 0,
    midGreyTarget: 0,
    histogram: { edges: [], output: [], target: [] },
    classifierAccuracy: 0.9,
    reconstructionFrechet: 0,
  };
  const full: RunTraits = { variant: "ae", family: "ae", recon: "mse", adversarial: false, adversarialWeight: 0, binarize: "none", beta: 1, networks: "mlp/mlp", seed, ...traits };
  return { cell: `${group}/seed-${seed}`, group, levels: { loss: group }, traits: full, metrics: { ...base, ...metrics } };
}

/** BCE and MSE AE groups whose sharpness ratios are given per seed. */
function sharpnessVerdict(bce: number[], mse: number[]): string {
  const runs = [
    ...bce.map((g, i) => run("ae-bce", { recon: "bce" }, i + 1, { sharpnessRatio: { gradient: g, laplacianVariance: 0 } })),
    ...mse.map((g, i) => run("ae-mse", { recon: "mse" }, i + 1, { sharpnessRatio: { gradient: g, laplacianVariance: 0 } })),
  ];
  const row = verdicts(groupRuns(runs)).find((r) => r.claim === "C3" && r.metric.startsWith("sharpness ratio (gradient"));
  return `${row!.verdict} | ${row!.effect} | ${row!.test}`;
}

describe("verdicts come from the numbers", () => {
  it("the analytic claims C1 and C2 hold, with their values", () => {
    const rows = verdicts([]);
    expect(rows.filter((r) => r.claim === "C1").map((r) => r.verdict)).toEqual(["holds", "holds"]);
    const c2 = rows.find((r) => r.claim === "C2")!;
    expect(c2.verdict).toBe("holds");
    expect(c2.effect).toContain("2.0004 at d = 0.01");
  });

  it("a consistent loss of sharpness under BCE supports C3", () => {
    expect(sharpnessVerdict([0.80, 0.81, 0.79], [0.90, 0.92, 0.89])).toMatch(/^supported \| -0\.1(03|04|0[0-9]) ± /);
  });

  it("a consistent gain contradicts it", () => {
    expect(sharpnessVerdict([0.95, 0.96, 0.94], [0.90, 0.92, 0.89])).toMatch(/^contradicted/);
  });

  it("noise either way is inconclusive, and the test is named", () => {
    expect(sharpnessVerdict([0.80, 0.95, 0.88], [0.90, 0.85, 0.89])).toMatch(/^inconclusive \| .* \| paired t\(2\) = .*, p = /);
  });

  it("claims need both groups and at least two paired seeds", () => {
    const onlyMse = verdicts(groupRuns([run("ae-mse", {}, 1, {}), run("ae-mse", {}, 2, {})]));
    expect(onlyMse.some((r) => r.claim === "C3")).toBe(false);
    const oneSeed = verdicts(groupRuns([run("ae-bce", { recon: "bce" }, 1, {}), run("ae-mse", {}, 1, {})]));
    expect(oneSeed.some((r) => r.claim === "C3")).toBe(false);
  });

  it("C4 is not rejected unless the signed error is significantly non-zero", () => {
    const unbiased = verdicts(groupRuns([1, 2, 3].map((s) => run("ae-mse", {}, s, { signedErrorNonZero: [0.01, -0.012, 0.003][s - 1] }))));
    expect(unbiased.find((r) => r.claim === "C4" && r.metric.includes("non-zero"))!.verdict).toBe("not rejected");
    const biased = verdicts(groupRuns([1, 2, 3].map((s) => run("ae-mse", {}, s, { signedErrorNonZero: [-0.1, -0.11, -0.105][s - 1] }))));
    expect(biased.find((r) => r.claim === "C4" && r.metric.includes("non-zero"))!.verdict).toBe("contradicted");
  });

  it("C6 compares the adversarial group with each fixed loss", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: 0.8 + s * 0.001, laplacianVariance: 0 } }),
      run("ae-mse+gan", { variant: "ae+gan", adversarial: true, adversarialWeight: 10 }, s, { sharpnessRatio: { gradient: 0.95 + s * 0.002, laplacianVariance: 0 } }),
    ]);
    const c6 = verdicts(groupRuns(runs)).filter((r) => r.claim === "C6" && r.metric.startsWith("sharpness"));
    expect(c6).toHaveLength(1);
    expect(c6[0].comparison).toBe("AE-MSE+GAN(λ=10) − AE-MSE");
    expect(c6[0].verdict).toBe("supported");
  });
});

it("compares groups only within the same networks, and says which when an experiment has several", () => {
  const runs = ["mlp/mlp", "conv/conv"].flatMap((networks) =>
    [1, 2, 3].flatMap((s) => [
      run(`${networks}-ae-mse`, { networks }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
      run(`${networks}-ae-bce`, { networks, recon: "bce" }, s, { sharpnessRatio: { gradient: networks === "mlp/mlp" ? 0.8 + s * 0.011 : 0.95 + s * 0.012, laplacianVariance: 0 } }),
    ]),
  );
  const rows = verdicts(groupRuns(runs)).filter((r) => r.claim === "C3" && r.metric.startsWith("sharpness ratio (gradient"));
  expect(rows.map((r) => `${r.comparison}: ${r.verdict}`)).toEqual(["[mlp/mlp] AE-BCE − AE-MSE: supported", "[conv/conv] AE-BCE − AE-MSE: contradicted"]);
});

it("warns about groups whose reconstructions are not recognisable, from the classifier's accuracy", () => {
  const runs = [1, 2].flatMap((s) => [
    run("ae-mse", {}, s, { classifierAccuracy: 0.9 }),
    run("ae-l1", { recon: "l1" }, s, { classifierAccuracy: 0.1, midGreyOutput: 0 }),
  ]);
  const notes = caveats(groupRuns(runs));
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/^AE-L1: the classifier recognises only 10\.0% of its reconstructions .*no output pixel lies in \(0\.1, 0\.9\)/);
});
