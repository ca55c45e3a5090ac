import { describe, expect, it } from "vitest";
import { holmAdjust } from "../../src/metrics/holm.js";
import { claimRows } from "../../src/report/claims.js";
import { formatP } from "../../src/report/format.js";
import { groupRuns, type MeasuredRun, type RunTraits } from "../../src/report/groups.js";
import { caveats, failedRunLine, failedRuns } from "../../src/report/labels.js";
import { agreementTable, claimSummaries, metricsCell, metricsTable } from "../../src/report/markdown.js";
import { metricsJson, parseMetricsJson, type RunMetrics } from "../../src/report/run-metrics.js";
import { claimRowsOf, rowsOf } from "./claim-rows.js";
import { levelledRun, measuredRun, zeroMetrics } from "./measured-run.js";

const run = (group: string, traits: Partial<RunTraits>, seed: number, metrics: Partial<RunMetrics>): MeasuredRun => measuredRun(group, traits, seed, metrics);

/** BCE against MSE on blur and bias, as the adversarial-claim presets declare it. */
const BLUR = `claims:
  - id: C3
    statement: BCE pulls outputs toward ½, so its reconstructions are blurrier.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, metric: [reliabilityPull, sharpness], expect: less }
`;

/** MSE's outputs unbiased: against 0, with the target-conditioned signed error descriptive. */
const UNBIASED = `claims:
  - id: C4
    statement: MSE is unbiased.
    comparisons:
      - { a: { loss: ae-mse }, against: 0, metric: [reliabilityPull, signedError], expect: equivalent }
      - { a: { loss: ae-mse }, against: 0, metric: signedErrorNonZero, expect: equivalent, role: descriptive, note: selects pixels by their target }
`;

/** BCE and MSE AE groups whose sharpness ratios are given per seed. */
function sharpnessVerdict(bce: number[], mse: number[]): string {
  const runs = [
    ...bce.map((g, i) => run("ae-bce", { recon: "bce" }, i + 1, { sharpnessRatio: { gradient: g, laplacianVariance: 0 } })),
    ...mse.map((g, i) => run("ae-mse", { recon: "mse" }, i + 1, { sharpnessRatio: { gradient: g, laplacianVariance: 0 } })),
  ];
  const row = rowsOf(runs, BLUR).find((r) => r.claim === "C3" && r.metric.startsWith("sharpness ratio (gradient"));
  return `${row!.verdict} | ${row!.effect} | ${row!.test}`;
}

describe("verdicts come from the numbers", () => {
  it("an analytic claim's rows come from the check it opts into, with their values", () => {
    const rows = rowsOf(
      [run("ae-mse", {}, 1, {})],
      `claims:
  - { id: C1, statement: BCE is asymmetric., analytic: bce-asymmetry }
  - { id: C2, statement: BCE is twice squared error near ½., analytic: bce-near-half }
`,
    );
    expect(rows.filter((r) => r.claim === "C1").map((r) => r.verdict)).toEqual(["holds", "holds"]);
    const c2 = rows.find((r) => r.claim === "C2")!;
    expect(c2.verdict).toBe("holds");
    expect(c2.effect).toContain("2.0004 at d = 0.01");
  });

  it("a consistent loss of sharpness under BCE supports the claim", () => {
    // Differences -0.10, -0.11, -0.10: mean -0.1033, sd 0.00577, 95% CI -0.1033 -+ 4.303 x 0.00577 / sqrt(3) = [-0.118, -0.0890].
    expect(sharpnessVerdict([0.8, 0.81, 0.79], [0.9, 0.92, 0.89])).toMatch(
      /^supported \| -0\.103 \[-0\.118, -0\.0890\]; -11% of AE-MSE's 0\.903 \| paired t\(2\) = -31\.0, p = 0\.0010, Holm 0\.0021$/,
    );
  });

  it("a consistent gain contradicts it", () => {
    expect(sharpnessVerdict([0.95, 0.96, 0.94], [0.9, 0.92, 0.89])).toMatch(/^contradicted/);
  });

  it("noise either way is inconclusive, and the test is named", () => {
    expect(sharpnessVerdict([0.8, 0.95, 0.88], [0.9, 0.85, 0.89])).toMatch(/^inconclusive \| .* \| paired t\(2\) = .*, p = /);
  });

  it("a row needs both groups measured and at least two paired seeds", () => {
    const both = [1, 2].flatMap((s) => [run("ae-bce", { recon: "bce" }, s, {}), run("ae-mse", {}, s, {})]);
    const { spec } = claimRowsOf(both, BLUR);
    // A group whose cells did not complete: no row, where the file still declares the comparison.
    expect(claimRows(spec, groupRuns(both.filter((r) => r.group === "ae-mse"))).rows).toEqual([]);
    expect(claimRows(spec, groupRuns(both.filter((r) => r.traits.seed === 1))).rows).toEqual([]);
  });

  it("no bias is supported when the bias is shown smaller than one grey level, contradicted when it is significantly non-zero", () => {
    const c4 = (values: number[]) =>
      rowsOf(
        [1, 2, 3].map((s) => run("ae-mse", {}, s, { signedError: values[s - 1] })),
        UNBIASED,
      ).find((r) => r.metric === "signed error, all pixels")!;
    expect(c4([0.001, -0.0012, 0.0003]).verdict).toBe("supported");
    expect(c4([0.01, -0.012, 0.003]).verdict).toBe("inconclusive");
    expect(c4([-0.1, -0.11, -0.105]).verdict).toBe("contradicted");
    expect(c4([0.001, -0.0012, 0.0003]).comparison).toBe("AE-MSE vs 0");
    expect(c4([0.001, -0.0012, 0.0003]).test).toMatch(/^one-sample t\(2\)/);
  });

  it("a descriptive row stays outside the tally and says only whether the numbers differ", () => {
    const rows = rowsOf(
      [1, 2, 3].map((s) => run("ae-mse", {}, s, { signedErrorNonZero: [-0.1, -0.11, -0.105][s - 1] })),
      UNBIASED,
    );
    const row = rows.find((r) => r.metric.includes("non-zero"))!;
    expect(row).toMatchObject({ role: "descriptive", verdict: "descriptive", outcome: "differs (lower)", note: "selects pixels by their target" });
    expect(row.test).toContain("not in the Holm family");
  });

  it("an adversarial group is compared with each fixed loss the file names, each weight named as configured", () => {
    const gan = (group: string, adversarialWeight: number, adversarialBalance: "fixed" | "adaptive") => (s: number) =>
      run(group, { variant: "ae+gan", adversarial: true, adversarialWeight, adversarialBalance }, s, {
        sharpnessRatio: { gradient: 0.95 + s * 0.002, laplacianVariance: 0 },
      });
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: 0.8 + s * 0.001, laplacianVariance: 0 } }),
      gan("adaptive", 1, "adaptive")(s),
      gan("tenth", 0.1, "adaptive")(s),
      gan("fixed", 10, "fixed")(s),
    ]);
    const rows = rowsOf(
      runs,
      `claims:
  - id: C6
    statement: An adversarial loss sharpens.
    comparisons:
      - { a: { loss: adaptive }, b: { loss: ae-mse }, metric: sharpness, expect: greater }
      - { a: { loss: tenth }, b: { loss: ae-mse }, metric: sharpness, expect: greater }
      - { a: { loss: fixed }, b: { loss: ae-mse }, metric: sharpness, expect: greater }
`,
    );
    expect(rows.map((r) => r.comparison)).toEqual(["AE-MSE+GAN(λ adaptive) − AE-MSE", "AE-MSE+GAN(λ=0.1×adaptive) − AE-MSE", "AE-MSE+GAN(λ=10) − AE-MSE"]);
    expect(rows.every((r) => r.verdict === "supported")).toBe(true);
  });

  it("two groups that read alike are told apart by the levels the comparison names", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      levelledRun({ lr: "slow" }, {}, s, { sharpnessRatio: { gradient: 0.8 + s * 0.01, laplacianVariance: 0 } }),
      levelledRun({ lr: "fast" }, {}, s, { sharpnessRatio: { gradient: 0.9 + s * 0.012, laplacianVariance: 0 } }),
    ]);
    const rows = rowsOf(
      runs,
      `claims:\n  - { id: H1, statement: Faster is sharper., comparisons: [{ a: { lr: fast }, b: { lr: slow }, metric: sharpness, expect: greater }] }\n`,
    );
    expect(rows.map((r) => `${r.comparison}: ${r.verdict}`)).toEqual(["AE-MSE (lr: fast) − AE-MSE (lr: slow): supported"]);
  });
});

it("makes a comparison within every level it leaves free, and names the networks when an experiment has several", () => {
  const runs = ["mlp", "conv"].flatMap((kind) =>
    [1, 2, 3].flatMap((s) => [
      levelledRun({ networks: kind, loss: "ae-mse" }, { networks: `${kind}/${kind}` }, s, {
        sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 },
      }),
      levelledRun({ networks: kind, loss: "ae-bce" }, { networks: `${kind}/${kind}`, recon: "bce" }, s, {
        sharpnessRatio: { gradient: kind === "mlp" ? 0.8 + s * 0.011 : 0.95 + s * 0.012, laplacianVariance: 0 },
      }),
    ]),
  );
  const rows = rowsOf(runs, BLUR).filter((r) => r.metric.startsWith("sharpness ratio (gradient"));
  expect(rows.map((r) => `${r.comparison}: ${r.verdict}`)).toEqual(["[mlp/mlp] AE-BCE − AE-MSE: supported", "[conv/conv] AE-BCE − AE-MSE: contradicted"]);
});

it("a free axis that the scope does not name shows its level in the row", () => {
  const runs = ["small", "large"].flatMap((size) =>
    [1, 2, 3].flatMap((s) => [
      levelledRun({ latent: size, loss: "ae-mse" }, {}, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
      levelledRun({ latent: size, loss: "ae-bce" }, { recon: "bce" }, s, { sharpnessRatio: { gradient: 0.8 + s * 0.011, laplacianVariance: 0 } }),
    ]),
  );
  expect(
    rowsOf(runs, BLUR)
      .filter((r) => r.metric.startsWith("sharpness"))
      .map((r) => r.comparison),
  ).toEqual(["[latent: small] AE-BCE − AE-MSE", "[latent: large] AE-BCE − AE-MSE"]);
});

describe("an experiment on two datasets", () => {
  /** AE-BCE − AE-MSE sharpness: BCE blurrier on mnist; on fashion-mnist as `fashionBce` says. */
  function twoDatasetRows(fashionBce: (s: number) => number) {
    const runs = ["mnist", "fashion-mnist"].flatMap((dataset) =>
      [1, 2, 3, 4].flatMap((s) => [
        levelledRun({ dataset, loss: "ae-mse" }, { dataset }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
        levelledRun({ dataset, loss: "ae-bce" }, { dataset, recon: "bce" }, s, {
          sharpnessRatio: { gradient: dataset === "mnist" ? 0.7 + s * 0.011 : fashionBce(s), laplacianVariance: 0 },
        }),
      ]),
    );
    const { rows, spec } = claimRowsOf(runs, BLUR);
    return { rows: rows.filter((r) => r.metric.startsWith("sharpness ratio (gradient")), claims: spec.claims };
  }

  it("compares groups within each dataset, names the dataset, and says when the verdicts agree", () => {
    const { rows } = twoDatasetRows((s) => 0.7 + s * 0.012);
    expect(rows.map((r) => `${r.comparison}: ${r.verdict}; ${r.acrossDatasets}`)).toEqual([
      "[mnist] AE-BCE − AE-MSE: supported; datasets agree",
      "[fashion-mnist] AE-BCE − AE-MSE: supported; datasets agree",
    ]);
    expect(rows.map((r) => r.scope?.dataset)).toEqual(["mnist", "fashion-mnist"]);
  });

  it("says which dataset found what when the verdicts differ, in the rows, the agreement table and the claim's summary", () => {
    const { rows, claims } = twoDatasetRows((s) => 1.0 + s * 0.012);
    expect(rows.map((r) => r.acrossDatasets)).toEqual([
      "datasets differ (mnist: supported; fashion-mnist: contradicted)",
      "datasets differ (mnist: supported; fashion-mnist: contradicted)",
    ]);
    const table = agreementTable(rows);
    expect(table.split("\n")[0]).toBe("| claim | networks | comparison | metric | mnist | fashion-mnist | datasets agree? |");
    expect(table).toContain("| C3 | mlp/mlp | AE-BCE − AE-MSE | sharpness ratio (gradient, outputs / targets) | supported | contradicted | **no** |");
    expect(claimSummaries(claims, rows)).toMatch(/\*\*C3\*\*.*rows: 1 supported, 1 contradicted; the datasets agree on 0 of 1 comparisons\./);
  });

  it("leaves comparisons made on one dataset only out of the agreement table, and says so in their rows", () => {
    const conv = [1, 2, 3, 4].flatMap((s) => [
      levelledRun({ networks: "conv", dataset: "mnist", loss: "ae-mse" }, { networks: "conv/conv" }, s, {
        sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 },
      }),
      levelledRun({ networks: "conv", dataset: "mnist", loss: "ae-bce" }, { networks: "conv/conv", recon: "bce" }, s, {
        sharpnessRatio: { gradient: 0.7 + s * 0.013, laplacianVariance: 0 },
      }),
    ]);
    const mlp = [1, 2, 3, 4].flatMap((s) =>
      ["mnist", "fashion-mnist"].flatMap((dataset) => [
        levelledRun({ networks: "mlp", dataset, loss: "ae-mse" }, { dataset }, s, { sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 } }),
        levelledRun({ networks: "mlp", dataset, loss: "ae-bce" }, { dataset, recon: "bce" }, s, {
          sharpnessRatio: { gradient: 0.7 + s * 0.012, laplacianVariance: 0 },
        }),
      ]),
    );
    const rows = rowsOf([...mlp, ...conv], BLUR);
    const convRow = rows.find((r) => r.comparison === "[conv/conv, mnist] AE-BCE − AE-MSE" && r.metric.startsWith("sharpness ratio (gradient"))!;
    expect(convRow.acrossDatasets).toBe("measured on mnist only");
    const table = agreementTable(rows);
    expect(table).toContain("| C3 | mlp/mlp | AE-BCE − AE-MSE | sharpness ratio (gradient, outputs / targets) | supported | supported | yes |");
    expect(table).not.toContain("conv/conv");
  });

  it("has no agreement column or table on one dataset", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-mse", {}, s, {}),
      run("ae-bce", { recon: "bce" }, s, { sharpnessRatio: { gradient: s * 0.1, laplacianVariance: 0 } }),
    ]);
    const rows = rowsOf(runs, BLUR);
    expect(rows.filter((r) => r.acrossDatasets !== undefined)).toEqual([]);
    expect(agreementTable(rows)).toBe("");
    expect(rows.find((r) => r.claim === "C3")?.comparison).toBe("AE-BCE − AE-MSE");
  });
});

it("names a run that failed to reconstruct inside a group that did, which the group's mean hides", () => {
  const runs = [1, 2, 3].flatMap((s) => [
    run("ae-mse", {}, s, { classifierAccuracy: 0.94 }),
    run("ae-mse+gan", { variant: "ae+gan", adversarial: true, adversarialWeight: 1, adversarialBalance: "adaptive" }, s, {
      classifierAccuracy: s === 2 ? 0.086 : 0.943,
    }),
  ]);
  const groups = groupRuns(runs);
  expect(caveats(groups)).toEqual([]);
  const failed = failedRuns(groups);
  expect(failed).toEqual([{ group: "ae-mse+gan (AE-MSE+GAN(λ adaptive))", seed: 2, accuracy: 0.086, others: [0.943, 0.943] }]);
  expect(failedRunLine(failed[0])).toMatch(
    /^ae-mse\+gan \(AE-MSE\+GAN\(λ adaptive\)\), seed 2: the classifier recognises only 8\.60% of its reconstructions \(its other seeds: 94\.3%, 94\.3%\)/,
  );
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
    const groups: Array<[Record<string, string>, Partial<RunTraits>, (s: number) => Partial<RunMetrics>]> = [
      [
        { loss: "ae-mse", binarize: "none" },
        {},
        (s) => ({ sharpnessRatio: { gradient: 0.9 + s * 0.01, laplacianVariance: 0 }, midGreyOutput: 0.3 + s * 0.01 }),
      ],
      [
        { loss: "ae-bce", binarize: "none" },
        { recon: "bce" },
        (s) => ({ sharpnessRatio: { gradient: 0.8 + s * 0.011, laplacianVariance: 0 }, midGreyOutput: 0.32 + s * 0.01 }),
      ],
      [
        { loss: "ae-l1", binarize: "none" },
        { recon: "l1" },
        (s) => ({ sharpnessRatio: { gradient: 0.01 * s, laplacianVariance: 0 }, classifierAccuracy: 0.1 }),
      ],
      [
        { loss: "ae-mse", binarize: "threshold" },
        { binarize: "threshold" },
        (s) => ({ sharpnessRatio: { gradient: 0.9 + s * 0.012, laplacianVariance: 0 }, midGreyOutput: 0.1 + s * 0.012 }),
      ],
      [
        { loss: "ae-bce", binarize: "threshold" },
        { recon: "bce", binarize: "threshold" },
        (s) => ({ sharpnessRatio: { gradient: 0.7 + s * 0.01, laplacianVariance: 0 }, midGreyOutput: 0.08 + s * 0.011 }),
      ],
      [
        { loss: "ae-gan", binarize: "none" },
        { variant: "ae+gan", adversarial: true, adversarialWeight: 10 },
        (s) => ({ sharpnessRatio: { gradient: 1.1 + s * 0.013, laplacianVariance: 0 } }),
      ],
    ];
    return [1, 2, 3].flatMap((s) => groups.map(([levels, traits, metrics]) => levelledRun(levels, traits, s, metrics(s))));
  }

  const CLAIMS = `claims:
  - id: C3
    statement: BCE blurs.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, where: { binarize: none }, metric: [reliabilityPull, sharpness], expect: less }
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, where: { binarize: threshold }, metric: sharpness, label: "sharpness ratio, binarized targets", expect: less, role: control, note: not about binary targets }
  - id: C5
    statement: Pushing from ½ sharpens.
    comparisons:
      - { a: { loss: ae-mse, binarize: threshold }, b: { loss: ae-mse, binarize: none }, metric: midGrey, expect: less, role: manipulation-check, note: lower by construction }
      - { a: { loss: ae-bce, binarize: threshold }, b: { loss: ae-bce, binarize: none }, metric: midGrey, expect: less, role: manipulation-check, note: lower by construction }
  - id: C6
    statement: An adversarial loss sharpens.
    whenUnrecognisable: { a: no evidence, b: no evidence of sharpness }
    comparisons:
      - { a: { loss: ae-gan }, b: { loss: ae-mse }, where: { binarize: none }, metric: sharpness, expect: greater }
      - { a: { loss: ae-gan }, b: { loss: ae-l1 }, where: { binarize: none }, metric: sharpness, expect: greater }
`;

  it("labels the binarized-target control, the mid-grey manipulation check and a comparison against a group that fails to reconstruct", () => {
    const rows = rowsOf(grid(), CLAIMS);
    const control = rows.find((r) => r.claim === "C3" && r.metric.includes("binarized"))!;
    expect(control).toMatchObject({ role: "control", verdict: "control", outcome: "differs (lower)", comparison: "AE-BCE [threshold] − AE-MSE [threshold]" });
    const checks = rows.filter((r) => r.claim === "C5");
    expect(checks.map((r) => r.role)).toEqual(["manipulation check", "manipulation check"]);
    const againstL1 = rows.find((r) => r.claim === "C6" && r.comparison.endsWith("AE-L1†"))!;
    expect(againstL1).toMatchObject({
      role: "baseline fails to reconstruct",
      verdict: "baseline fails to reconstruct",
      note: "AE-L1's reconstructions are not recognisable: no evidence of sharpness",
    });
    expect(rows.find((r) => r.claim === "C6" && r.comparison.endsWith("− AE-MSE"))!.role).toBe("evidence");
  });

  it("Holm's family is both tests of every tallied row, and nothing else", () => {
    const rows = rowsOf(grid(), CLAIMS);
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

  it("the claim summaries tally tallied rows only and name the others separately", () => {
    const { rows, spec } = claimRowsOf(grid(), CLAIMS);
    const summary = claimSummaries(spec.claims, rows)
      .split("\n")
      .find((l) => l.startsWith("- **C3**"))!;
    // The pull row is zero in every run: no spread, inconclusive.
    expect(summary).toMatch(/^- \*\*C3\*\* BCE blurs\. — rows: 1 inconclusive, 1 supported; outside the tally: 1 control\.$/);
  });

  it("a group that fails to reconstruct on side a leaves the tally, with the claim's reason", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      levelledRun({ loss: "ae-mse" }, {}, s, { highFrequencyRatio: { ownTargets: 0.26 + s * 0.01, greyTargets: 0 } }),
      levelledRun({ loss: "ae-gan" }, { variant: "ae+gan", adversarial: true, adversarialWeight: 10 }, s, {
        highFrequencyRatio: { ownTargets: 0.9 + s * 0.013, greyTargets: 0 },
        classifierAccuracy: 0.3,
      }),
    ]);
    const rows = rowsOf(
      runs,
      `claims:\n  - { id: C6, statement: x, whenUnrecognisable: { a: sharp noise is no evidence, b: y }, comparisons: [{ a: { loss: ae-gan }, b: { loss: ae-mse }, metric: highFrequency, expect: greater }] }\n`,
    );
    expect(rows[0]).toMatchObject({ comparison: "AE-MSE+GAN(λ=10)† − AE-MSE", role: "fails to reconstruct", verdict: "fails to reconstruct" });
    expect(rows[0].note).toBe("the classifier recognises fewer than 50% of AE-MSE+GAN(λ=10)'s reconstructions: sharp noise is no evidence");
  });
});

describe("comparisons against a constant", () => {
  it("a difference measured inside each run (pushed minus as trained) is a paired test, relative to the outputs as trained", () => {
    const push = (k: number, g: number) => ({ k, gradientRatio: g, laplacianRatio: g, highFrequencyRatio: g, mse: g, midGreyShare: 0 });
    const runs = [1, 2, 3].map((s) => run("ae-mse", {}, s, { pushSweep: [push(1, 0.8 + s * 0.01), push(3, 0.9 + s * 0.012)] }));
    const [row] = rowsOf(
      runs,
      `claims:\n  - { id: C5, statement: x, comparisons: [{ a: { loss: ae-mse }, against: 0, metric: pushGradient, expect: greater }] }\n`,
    );
    expect(row.comparison).toBe("AE-MSE: pushed (k = 3) − as trained");
    expect(row.test).toMatch(/^paired t\(2\)/);
    expect(row.effect).toMatch(/; 13% of AE-MSE's 0\.820$/);
    expect(row.verdict).toBe("supported");
  });

  it("a reference is selected by the levels it shares, and a note can quote what it scores", () => {
    const runs = [1, 2, 3].map((s) => levelledRun({ loss: "ae-mse", binarize: "none" }, {}, s, { signedErrorNonZero: -0.2 - s * 0.01 }));
    const oracle = {
      name: "class-mean oracle",
      levels: { binarize: "none" },
      traits: runs[0].traits,
      reference: "unbiased",
      runs: [1, 2, 3].map((s) => ({ ...runs[s - 1], metrics: { ...zeroMetrics(), signedErrorNonZero: -0.25 - s * 0.001 } })),
    };
    const rows = rowsOf(
      runs,
      `claims:
  - id: C4
    statement: x
    comparisons:
      - { a: { loss: ae-mse }, where: { binarize: none }, against: 0, metric: signedErrorNonZero, expect: equivalent, role: descriptive, note: selects on the target, quoteReference: true }
      - { reference: class-mean-oracle, where: { binarize: none }, against: 0, metric: signedErrorNonZero, expect: equivalent, role: reference, note: shown for scale }
`,
      [oracle],
    );
    expect(rows.map((r) => [r.comparison, r.role, r.note])).toEqual([
      ["AE-MSE vs 0", "descriptive", "selects on the target; the class-mean oracle scores -0.252 here"],
      ["class-mean oracle vs 0", "reference", "shown for scale"],
    ]);
  });
});

describe("verdicts with the smallest effect of interest", () => {
  const pulled = (v: number) => ({ reliability: { pull: v, meanAbsBias: 0, bins: [] } });
  const pullRuns = (bce: number[], mse: number[]) =>
    [1, 2, 3].flatMap((s) => [run("ae-bce", { recon: "bce" }, s, pulled(bce[s - 1])), run("ae-mse", {}, s, pulled(mse[s - 1]))]);
  const pull = (claims: string) =>
    rowsOf(pullRuns([-0.0367, -0.0372, -0.0361], [-0.035, -0.0354, -0.0346]), claims).find((r) => r.metric.startsWith("reliability pull"))!;

  it("a significant but negligible difference is equivalent, with the SESOI in the row", () => {
    // The stored report's case: an effect of -0.0017 on an MSE pull of -0.035.
    const row = pull(BLUR);
    expect(row.verdict).toBe("equivalent");
    expect(row.sesoi).toBe("±0.0100");
    expect(row.effect).toMatch(/^-0\.00167 \[.*\]; 4\.8% of AE-MSE's -0\.0350$/);
  });

  it("a SESOI below the effect makes the same numbers a difference that matters, from the file or from the comparison", () => {
    expect(pull(`sesoi: { reliabilityPull: 0.0001 }\n${BLUR}`).verdict).toBe("supported");
    const own = pull(BLUR.replace("expect: less }", "expect: less, sesoi: 0.0001 }"));
    expect(own).toMatchObject({ verdict: "supported", sesoi: "±0.000100" });
  });

  it("zero spread is one rule for paired and constant rows: not testable, inconclusive", () => {
    const runs = [1, 2, 3].flatMap((s) => [
      run("ae-bce", { recon: "bce" }, s, { sharpnessRatio: { gradient: 0.7 + s / 10, laplacianVariance: 0 } }),
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: 0.8 + s / 10, laplacianVariance: 0 }, signedError: 0.1 + 0.2 - (s === 2 ? 0 : 1e-17) }),
    ]);
    const rows = rowsOf(runs, `${BLUR}${UNBIASED.replace("claims:\n", "")}`);
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
      run("ae-bce", { recon: "bce" }, s, {
        sharpnessRatio: { gradient: [0.8, Infinity, 0.79, 0.78][s - 1], laplacianVariance: 0 },
        byIntensity: [{ lo: 0, hi: 0.1, count: 0, meanSignedError: NaN, meanAbsError: NaN }],
      }),
      run("ae-mse", {}, s, { sharpnessRatio: { gradient: [0.9, 0.91, 0.885][s - 1], laplacianVariance: 0 } }),
    ]);

  it("a seed whose value is not finite is left out, and the row says so", () => {
    const row = rowsOf(runs(), BLUR).find((r) => r.metric.startsWith("sharpness ratio (gradient"))!;
    expect(row.test).toMatch(/^paired t\(1\) = .*; seed 2 left out \(value not finite\)$/);
  });

  it("metrics.json keeps them: a report from the cache gives the same rows as a fresh one", () => {
    const fresh = runs();
    const cached = fresh.map((r) => ({ ...r, metrics: parseMetricsJson(metricsJson(r.metrics)) }));
    expect(cached[2].metrics.sharpnessRatio.gradient).toBe(Infinity);
    expect(cached[0].metrics.byIntensity[0].meanSignedError).toBeNaN();
    expect(rowsOf(cached, BLUR)).toEqual(rowsOf(fresh, BLUR));
  });

  it("a null written by an older metrics.json reads back as NaN, never 0; NaN, Infinity and -Infinity round-trip", () => {
    const old = parseMetricsJson(
      '{"run":"NaN","mse":null,"byIntensity":[{"meanSignedError":null}],"sharpnessRatio":{"gradient":"Infinity","laplacianVariance":"-Infinity"}}',
    );
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
