import { describe, expect, it } from "vitest";
import { SESOI_DEFAULTS } from "../../src/experiment/sesoi.js";
import { holmAdjust } from "../../src/metrics/holm.js";
import { caveats, failedRunLine, failedRuns, verdicts } from "../../src/report/claims.js";
import { formatP } from "../../src/report/format.js";
import { groupRuns, type MeasuredRun, type RunTraits } from "../../src/report/groups.js";
import { agreementTable, claimSummaries, metricsCell, metricsTable } from "../../src/report/markdown.js";
import { metricsJson, parseMetricsJson, type RunMetrics } from "../../src/report/run-metrics.js";
import { measuredRun, zeroMetrics } from "./measured-run.js";

const run = (group: string, traits: Partial<RunTraits>, seed: number, metrics: Partial<RunMetrics>): MeasuredRun => measuredRun(group, traits, seed, metrics);

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
    // Differences -0.10, -0.11, -0.10: mean -0.1033, sd 0.00577, 95% CI -0.1033 -+ 4.303 x 0.00577 / sqrt(3) = [-0.118, -0.0890].
    expect(sharpnessVerdict([0.80, 0.81, 0.79], [0.90, 0.92, 0.89])).toMatch(/^supported \| -0\.103 \[-0\.118, -0\.0890\]; -11% of AE-MSE's 0\.903 \| paired t\(2\) = -31\.0, p = 0\.0010, Holm 0\.0021$/);
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

  it("C4 is supported when the bias is shown smaller than one grey level, contradicted when it is significantly non-zero", () => {
    const c4 = (values: number[]) => verdicts(groupRuns([1, 2, 3].map((s) => run("ae-mse", {}, s, { signedError: values[s - 1] })))).find((r) => r.claim === "C4" && r.metric === "signed error, all pixels")!;
    expect(c4([0.001, -0.0012, 0.0003]).verdict).toBe("supported");
    expect(c4([0.01, -0.012, 0.003]).verdict).toBe("inconclusive");
    expect(c4([-0.1, -0.11, -0.105]).verdict).toBe("contradicted");
  });

  it("C4's signed error on non-zero targets is descriptive, outside the tally (it selects pixels on the target)", () => {
    const rows = verdicts(groupRuns([1, 2, 3].map((s) => run("ae-mse", {}, s, { signedErrorNonZero: [-0.1, -0.11, -0.105][s - 1] }))));
    const row = rows.find((r) => r.claim === "C4" && r.metric.includes("non-zero"))!;
    expect(row).toMatchObject({ role: "descriptive", verdict: "descriptive", outcome: "differs (lower)" });
    expect(row.test).toContain("not in the Holm family");
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

  it("C6 names each adversarial weight as configured: adaptive, a fraction of adaptive, fixed", () => {
    const gan = (group: string, adversarialWeight: number, adversarialBalance: "fixed" | "adaptive") => (s: number) =>
      run(group, { variant: "ae+gan", adversarial: true, adversarialWeight, adversarialBalance }, s, { sharpnessRatio: { gradient: 0.95 + s * 0.002, laplacianVariance: 0 } });
    const runs = [1, 2, 3].flatMap((s) => [run("ae-mse", {}, s, {}), gan("adaptive", 1, "adaptive")(s), gan("tenth", 0.1, "adaptive")(s), gan("fixed", 10, "fixed")(s)]);
    const c6 = verdicts(groupRuns(runs)).filter((r) => r.claim === "C6" && r.metric.startsWith("sharpness"));
    expect(c6.map((r) => r.comparison)).toEqual(["AE-MSE+GAN(λ adaptive) − AE-MSE", "AE-MSE+GAN(λ=0.1×adaptive) − AE-MSE", "AE-MSE+GAN(λ=10) − AE-MSE"]);
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

describe("an experiment on two datasets", () => {
  /** AE-BCE − AE-MSE sharpness: BCE blurrier on mnist; on fashion-mnist as `fashionBce` says. */
  function twoDatasetRows(fashionBce: (s: number) => number) {
    const runs = ["mnist", "fashion-mnist"].flatMap((dataset) =>
      [1, 2, 3, 4].flatMap((s) => [
        run(`${dataset}-ae-mse`, { dataset }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
        run(`${dataset}-ae-bce`, { dataset, recon: "bce" }, s, { sharpnessRatio: { gradient: dataset === "mnist" ? 0.7 + s * 0.011 : fashionBce(s), laplacianVariance: 0 } }),
      ]),
    );
    return verdicts(groupRuns(runs)).filter((r) => r.claim === "C3" && r.metric.startsWith("sharpness ratio (gradient"));
  }

  it("compares groups within each dataset, names the dataset, and says when the verdicts agree", () => {
    const rows = twoDatasetRows((s) => 0.7 + s * 0.012);
    expect(rows.map((r) => `${r.comparison}: ${r.verdict}; ${r.acrossDatasets}`)).toEqual([
      "[mnist] AE-BCE − AE-MSE: supported; datasets agree",
      "[fashion-mnist] AE-BCE − AE-MSE: supported; datasets agree",
    ]);
    expect(rows.map((r) => r.scope?.dataset)).toEqual(["mnist", "fashion-mnist"]);
  });

  it("says which dataset found what when the verdicts differ, in the rows, the agreement table and the claim's summary", () => {
    const rows = twoDatasetRows((s) => 1.0 + s * 0.012);
    expect(rows.map((r) => r.acrossDatasets)).toEqual([
      "datasets differ (mnist: supported; fashion-mnist: contradicted)",
      "datasets differ (mnist: supported; fashion-mnist: contradicted)",
    ]);
    const table = agreementTable(rows);
    expect(table.split("\n")[0]).toBe("| claim | networks | comparison | metric | mnist | fashion-mnist | datasets agree? |");
    expect(table).toContain("| C3 | mlp/mlp | AE-BCE − AE-MSE | sharpness ratio (gradient, outputs / targets) | supported | contradicted | **no** |");
    expect(claimSummaries(rows)).toMatch(/\*\*C3\*\*.*rows: 1 supported, 1 contradicted; the datasets agree on 0 of 1 comparisons\./);
  });

  it("leaves comparisons made on one dataset only out of the agreement table, and says so in their rows", () => {
    const conv = [1, 2, 3, 4].flatMap((s) => [
      run("conv-ae-mse", { networks: "conv/conv" }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
      run("conv-ae-bce", { networks: "conv/conv", recon: "bce" }, s, { sharpnessRatio: { gradient: 0.7 + s * 0.013, laplacianVariance: 0 } }),
    ]);
    const mlp = [1, 2, 3, 4].flatMap((s) =>
      ["mnist", "fashion-mnist"].flatMap((dataset) => [
        run(`${dataset}-ae-mse`, { dataset }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
        run(`${dataset}-ae-bce`, { dataset, recon: "bce" }, s, { sharpnessRatio: { gradient: 0.7 + s * 0.012, laplacianVariance: 0 } }),
      ]),
    );
    const rows = verdicts(groupRuns([...mlp, ...conv]));
    const convRow = rows.find((r) => r.comparison === "[conv/conv, mnist] AE-BCE − AE-MSE" && r.metric.startsWith("sharpness ratio (gradient"))!;
    expect(convRow.acrossDatasets).toBe("measured on mnist only");
    const table = agreementTable(rows);
    expect(table).toContain("| C3 | mlp/mlp | AE-BCE − AE-MSE | sharpness ratio (gradient, outputs / targets) | supported | supported | yes |");
    expect(table).not.toContain("conv/conv");
  });

  it("has no agreement column or table on one dataset", () => {
    const runs = [1, 2, 3].flatMap((s) => [run("ae-mse", {}, s, {}), run("ae-bce", { recon: "bce" }, s, { sharpnessRatio: { gradient: s * 0.1, laplacianVariance: 0 } })]);
    const rows = verdicts(groupRuns(runs));
    expect(rows.filter((r) => r.acrossDatasets !== undefined)).toEqual([]);
    expect(agreementTable(rows)).toBe("");
    expect(rows.find((r) => r.claim === "C3")?.comparison).toBe("AE-BCE − AE-MSE");
  });
});

it("names a run that failed to reconstruct inside a group that did, which the group's mean hides", () => {
  const runs = [1, 2, 3].flatMap((s) => [
    run("ae-mse", {}, s, { classifierAccuracy: 0.94 }),
    run("ae-mse+gan", { variant: "ae+gan", adversarial: true, adversarialWeight: 1, adversarialBalance: "adaptive" }, s, { classifierAccuracy: s === 2 ? 0.086 : 0.943 }),
  ]);
  const groups = groupRuns(runs);
  expect(caveats(groups)).toEqual([]);
  const failed = failedRuns(groups);
  expect(failed).toEqual([{ group: "ae-mse+gan (AE-MSE+GAN(λ adaptive))", seed: 2, accuracy: 0.086, others: [0.943, 0.943] }]);
  expect(failedRunLine(failed[0])).toMatch(/^ae-mse\+gan \(AE-MSE\+GAN\(λ adaptive\)\), seed 2: the classifier recognises only 8\.60% of its reconstructions \(its other seeds: 94\.3%, 94\.3%\)/);
  expect(failedRuns(groupRuns([1, 2].map((s) => run("ae-l1", { recon: "l1" }, s, { classifierAccuracy: 0.1 }))))).toEqual([]);
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

describe("controls and manipulation checks stay outside the tally and the Holm family", () => {
  /** AE groups with MSE, BCE and L1 on greyscale and thresholded targets, a GAN, and L1 failing to reconstruct. */
  function grid(): MeasuredRun[] {
    const groups: Array<[string, Partial<RunTraits>, (s: number) => Partial<RunMetrics>]> = [
      ["ae-mse", {}, (s) => ({ sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 }, midGreyOutput: 0.3 + s * 0.01 })],
      ["ae-bce", { recon: "bce" }, (s) => ({ sharpnessRatio: { gradient: 0.8 + s * 0.011, laplacianVariance: 0 }, midGreyOutput: 0.32 + s * 0.01 })],
      ["ae-l1", { recon: "l1" }, (s) => ({ sharpnessRatio: { gradient: 0.01 * s, laplacianVariance: 0 }, classifierAccuracy: 0.1 })],
      ["ae-mse-t", { binarize: "threshold" }, (s) => ({ sharpnessRatio: { gradient: 0.9 + s * 0.012, laplacianVariance: 0 }, midGreyOutput: 0.1 + s * 0.012 })],
      ["ae-bce-t", { recon: "bce", binarize: "threshold" }, (s) => ({ sharpnessRatio: { gradient: 0.7 + s * 0.01, laplacianVariance: 0 }, midGreyOutput: 0.08 + s * 0.011 })],
      ["ae-gan", { variant: "ae+gan", adversarial: true, adversarialWeight: 10 }, (s) => ({ sharpnessRatio: { gradient: 1.1 + s * 0.013, laplacianVariance: 0 } })],
    ];
    return [1, 2, 3].flatMap((s) => groups.map(([name, traits, metrics]) => run(name, traits, s, metrics(s))));
  }

  it("labels the binarized-target control, the mid-grey manipulation check and C6 against a group that fails to reconstruct", () => {
    const rows = verdicts(groupRuns(grid()));
    const control = rows.find((r) => r.claim === "C3" && r.metric.includes("binarized"))!;
    expect(control).toMatchObject({ role: "control", verdict: "control", outcome: "differs (lower)" });
    const checks = rows.filter((r) => r.claim === "C5" && r.metric.startsWith("share"));
    expect(checks.map((r) => r.role)).toEqual(["manipulation check", "manipulation check"]);
    const againstL1 = rows.find((r) => r.claim === "C6" && r.comparison.endsWith("AE-L1†"))!;
    expect(againstL1).toMatchObject({ role: "baseline fails to reconstruct", verdict: "baseline fails to reconstruct" });
    expect(rows.find((r) => r.claim === "C6" && r.comparison.endsWith("− AE-MSE") && r.metric.startsWith("sharpness"))!.role).toBe("evidence");
  });

  it("Holm's family is both tests of every evidence row, and nothing else", () => {
    const rows = verdicts(groupRuns(grid()));
    const family = rows.filter((r) => r.p?.differenceAdjusted !== undefined);
    expect(family.every((r) => r.role === "evidence")).toBe(true);
    const outside = rows.filter((r) => r.role !== "evidence" && r.p?.difference !== undefined && Number.isFinite(r.p.difference));
    expect(outside.length).toBe(4);
    expect(outside.every((r) => r.p?.differenceAdjusted === undefined && r.test.includes("not in the Holm family"))).toBe(true);
    const adjusted = holmAdjust(family.flatMap((r) => [r.p!.difference, r.p!.equivalence]));
    family.forEach((r, i) => {
      expect(r.p!.differenceAdjusted).toBe(adjusted[2 * i]);
      expect(r.p!.equivalenceAdjusted).toBe(adjusted[2 * i + 1]);
      expect(r.test).toContain(`Holm ${formatP(adjusted[2 * i])}`);
    });
  });

  it("the claim summaries tally evidence rows only and name the others separately", () => {
    const summary = claimSummaries(verdicts(groupRuns(grid())))
      .split("\n")
      .find((l) => l.startsWith("- **C3**"))!;
    // The pull row is zero in every run: no spread, inconclusive.
    expect(summary).toMatch(/rows: 1 inconclusive, 1 supported; outside the tally: 1 control\.$/);
  });
});

describe("C5 and C6 on edges", () => {
  it("compares thresholded- and greyscale-target models against the same greyscale targets, never against their own", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-mse", {}, s, { sharpnessVsGrey: { gradient: 0.8 + s * 0.01, laplacianVariance: 0 }, highFrequencyRatio: { ownTargets: 0.3, greyTargets: 0.3 + s * 0.01 } }),
      run("ae-mse-t", { binarize: "threshold" }, s, {
        sharpnessVsGrey: { gradient: 0.9 + s * 0.012, laplacianVariance: 0 },
        highFrequencyRatio: { ownTargets: 0.1, greyTargets: 0.4 + s * 0.012 },
        sharpnessRatio: { gradient: 0.2, laplacianVariance: 0 },
      }),
    ]);
    const c5 = verdicts(groupRuns(runs)).filter((r) => r.claim === "C5" && r.role === "evidence");
    expect(c5.map((r) => [r.comparison, r.metric, r.verdict])).toEqual([
      ["AE-MSE [threshold] − AE-MSE", "sharpness ratio (gradient) against the greyscale targets", "supported"],
      ["AE-MSE [threshold] − AE-MSE", "high-frequency energy ratio against the greyscale targets", "supported"],
    ]);
  });

  it("C6 compares the GAN with its fixed-loss twin on the high-frequency ratio, and leaves a GAN that fails to reconstruct out of the tally", () => {
    const rows = (ganAccuracy: number) =>
      verdicts(
        groupRuns(
          [1, 2, 3].flatMap((s) => [
            run("ae-mse", {}, s, { highFrequencyRatio: { ownTargets: 0.26 + s * 0.01, greyTargets: 0 } }),
            run("ae-mse+gan", { variant: "ae+gan", adversarial: true, adversarialWeight: 10 }, s, { highFrequencyRatio: { ownTargets: 0.9 + s * 0.013, greyTargets: 0 }, classifierAccuracy: ganAccuracy }),
          ]),
        ),
      ).filter((r) => r.claim === "C6");
    const hf = rows(0.9).find((r) => r.metric.startsWith("high-frequency"))!;
    expect(hf).toMatchObject({ comparison: "AE-MSE+GAN(λ=10) − AE-MSE", role: "evidence", verdict: "supported" });
    const failing = rows(0.3);
    expect(failing.every((r) => r.role === "fails to reconstruct" && r.verdict === "fails to reconstruct")).toBe(true);
    expect(failing[0].note).toMatch(/fewer than 50% of AE-MSE\+GAN\(λ=10\)'s reconstructions/);
  });
});

describe("verdicts with the smallest effect of interest", () => {
  it("a significant but negligible difference is equivalent, with the SESOI in the row", () => {
    const pulled = (v: number) => ({ reliability: { pull: v, meanAbsBias: 0, bins: [] } });
    const pullRuns = (bce: number[], mse: number[]) => groupRuns([1, 2, 3].flatMap((s) => [run("ae-bce", { recon: "bce" }, s, pulled(bce[s - 1])), run("ae-mse", {}, s, pulled(mse[s - 1]))]));
    const pull = (bce: number[], mse: number[]) => verdicts(pullRuns(bce, mse)).find((r) => r.metric.startsWith("reliability pull"))!;
    // The stored report's case: an effect of -0.0017 on an MSE pull of -0.035.
    const row = pull([-0.0367, -0.0372, -0.0361], [-0.035, -0.0354, -0.0346]);
    expect(row.verdict).toBe("equivalent");
    expect(row.sesoi).toBe("±0.0100");
    expect(row.effect).toMatch(/^-0\.00167 \[.*\]; 4\.8% of AE-MSE's -0\.0350$/);
    // A SESOI below the effect makes the same numbers a difference that matters.
    const strict = verdicts(pullRuns([-0.0367, -0.0372, -0.0361], [-0.035, -0.0354, -0.0346]), { ...SESOI_DEFAULTS, reliabilityPull: 0.0001 }).find((r) => r.metric.startsWith("reliability pull"))!;
    expect(strict.verdict).toBe("supported");
  });

  it("zero spread is one rule for paired and zero-claim rows: not testable, inconclusive", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-bce", { recon: "bce" }, s, { sharpnessRatio: { gradient: 0.7 + s / 10, laplacianVariance: 0 } }),
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: 0.8 + s / 10, laplacianVariance: 0 }, signedError: 0.1 + 0.2 - (s === 2 ? 0 : 1e-17) }),
    ]);
    const rows = verdicts(groupRuns(runs));
    const paired = rows.find((r) => r.claim === "C3" && r.metric.startsWith("sharpness ratio (gradient"))!;
    const zero = rows.find((r) => r.claim === "C4" && r.metric === "signed error, all pixels")!;
    for (const row of [paired, zero]) {
      expect(row.verdict).toBe("inconclusive");
      expect(row.test).toMatch(/^no spread across seeds: not testable/);
    }
  });
});

describe("non-finite metrics", () => {
  const runs = () =>
    [1, 2, 3].flatMap((s) => [
      run("ae-bce", { recon: "bce" }, s, { sharpnessRatio: { gradient: [0.8, Infinity, 0.79, 0.78][s - 1], laplacianVariance: 0 }, byIntensity: [{ lo: 0, hi: 0.1, count: 0, meanSignedError: NaN, meanAbsError: NaN }] }),
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: [0.9, 0.91, 0.885][s - 1], laplacianVariance: 0 } }),
    ]);

  it("a seed whose value is not finite is left out, and the row says so", () => {
    const row = verdicts(groupRuns(runs())).find((r) => r.metric.startsWith("sharpness ratio (gradient"))!;
    expect(row.test).toMatch(/^paired t\(1\) = .*; seed 2 left out \(value not finite\)$/);
  });

  it("metrics.json keeps them: a report from the cache gives the same rows as a fresh one", () => {
    const fresh = runs();
    const cached = fresh.map((r) => ({ ...r, metrics: parseMetricsJson(metricsJson(r.metrics)) }));
    expect(cached[2].metrics.sharpnessRatio.gradient).toBe(Infinity);
    expect(cached[0].metrics.byIntensity[0].meanSignedError).toBeNaN();
    expect(verdicts(groupRuns(cached))).toEqual(verdicts(groupRuns(fresh)));
  });

  it("a null written by an older metrics.json reads back as NaN, never 0; NaN, Infinity and -Infinity round-trip", () => {
    const old = parseMetricsJson('{"run":"NaN","mse":null,"byIntensity":[{"meanSignedError":null}],"sharpnessRatio":{"gradient":"Infinity","laplacianVariance":"-Infinity"}}');
    expect(old.run).toBe("NaN");
    expect(old.mse).toBeNaN();
    expect(old.byIntensity[0].meanSignedError).toBeNaN();
    expect(old.sharpnessRatio).toEqual({ gradient: Infinity, laplacianVariance: -Infinity });
    const text = metricsJson({ ...zeroMetrics(), ssim: NaN, psnr: -Infinity });
    expect(text).toContain('"ssim":"NaN"');
    expect(parseMetricsJson(text)).toEqual({ ...zeroMetrics(), ssim: NaN, psnr: -Infinity });
  });
});

describe("the metrics table", () => {
  it("one seed shows that no spread can be estimated, and non-finite values are counted", () => {
    expect(metricsCell([0.5])).toBe("0.500 (1 seed: no spread)");
    expect(metricsCell([0.5, NaN, 0.7])).toBe("0.600 ± 0.14 (1 of 3 not finite)");
    expect(metricsCell([Infinity, NaN])).toBe("not finite (2 of 2)");
    expect(metricsCell([undefined])).toBe("–");
  });

  it("labels the per-image sums as sums", () => {
    const header = metricsTable([]).split("\n")[0];
    expect(header).toContain("| MSE (sum per image) | BCE (sum per image) | L1 (sum per image) |");
  });
});
