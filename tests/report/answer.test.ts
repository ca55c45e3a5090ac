import { describe, expect, it } from "vitest";
import { answerLines, claimVerdict, effectWords } from "../../src/report/answer.js";
import { groupConvergence } from "../../src/report/convergence.js";
import { groupRuns, type MeasuredRun } from "../../src/report/groups.js";
import type { VerdictRow } from "../../src/report/rows.js";
import { claimRowsOf } from "./claim-rows.js";
import { convergence, levelledRun, measuredRun } from "./measured-run.js";

/** AE BCE and MSE runs with the given reliability pulls and sharpness ratios per seed; every run stopped by patience unless `capped`. */
function runs(pulls: { bce: number[]; mse: number[] }, sharp = { bce: [0.8, 0.81, 0.79], mse: [0.9, 0.92, 0.89] }, capped = false): MeasuredRun[] {
  const outcome = (converged: boolean) => ({
    status: "completed",
    convergence: convergence({ converged, bestEpoch: converged ? 6 : 20, epochsRun: converged ? 9 : 20 }),
    curve: [],
  });
  return (["bce", "mse"] as const).flatMap((recon) =>
    pulls[recon].map((pull, i) =>
      measuredRun(
        `ae-${recon}`,
        { recon },
        i + 1,
        { reliability: { pull, meanAbsBias: 0, bins: [] }, sharpnessRatio: { gradient: sharp[recon][i], laplacianVariance: 0 } },
        outcome(!(capped && recon === "bce")),
      ),
    ),
  );
}

const CLAIMS = `claims:
  - { id: C1, statement: BCE is asymmetric around a greyscale target., analytic: bce-asymmetry }
  - id: C3
    statement: BCE-trained reconstructions are blurrier than MSE-trained ones.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, metric: [reliabilityPull, sharpness], expect: less }
  - id: C4
    statement: MSE-trained outputs are unbiased.
    comparisons:
      - { a: { loss: ae-mse }, against: 0, metric: reliabilityPull, expect: equivalent }
  - id: M1
    statement: The losses differ in their sharpness at all.
    comparisons:
      - { a: { loss: ae-bce }, b: { loss: ae-mse }, metric: sharpness, expect: less, role: manipulation-check }
`;

function answer(r: MeasuredRun[]): string[] {
  const { rows, spec } = claimRowsOf(r, CLAIMS);
  return answerLines(spec.claims, rows, groupRuns(r).map(groupConvergence));
}

const lineOf = (lines: string[], id: string) => lines.find((l) => l.startsWith(`**${id} `))!;

describe("the answer opens the report with one short line per claim, verdict first", () => {
  const morePull = { bce: [-0.05, -0.052, -0.049], mse: [-0.01, -0.013, -0.008] };
  const lessPull = { bce: [-0.005, -0.004, -0.006], mse: [-0.05, -0.052, -0.049] };

  it("a line per claim in the file's order, each one line, then convergence", () => {
    const lines = answer(runs(morePull));
    expect(lines.map((l) => l.split(" ")[0])).toEqual(["**C1", "**C3", "**C4", "**M1", "**Convergence**:"]);
    for (const l of lines) expect(l).not.toContain("\n");
    expect(lines[0]).toMatch(
      /^\*\*C1 holds\*\* \(2 holds of 2 rows\): BCE is asymmetric around a greyscale target\. target 0\.8: predict 0\.9 vs 0\.7, BCE 0\.5448 vs 0\.5261 \(0\.01000 vs 0\.01000\) \(holds\); target 0\.3/,
    );
    expect(lines[lines.length - 1]).toBe("**Convergence**: every group converged; all 6 runs stopped when their validation loss stopped improving.");
  });

  it("the verdict comes first, then the statement, then the numbers with their intervals", () => {
    const c3 = lineOf(answer(runs(morePull)), "C3");
    expect(c3).toMatch(
      /^\*\*C3 supported\*\* \(2 supported of 2 rows\): BCE-trained reconstructions are blurrier than MSE-trained ones\. AE-BCE − AE-MSE, reliability pull -0\.0400, 95% CI -0\.04\d+ to -0\.03\d+ \(supported\); AE-BCE − AE-MSE, sharpness ratio -0\.103, 95% CI -0\.118 to -0\.0890 \(supported\)\.$/,
    );
  });

  it("a verdict flipped by the numbers flips the line; rows that disagree make it mixed", () => {
    const contradicted = lineOf(answer(runs(lessPull, { bce: [0.95, 0.96, 0.94], mse: [0.9, 0.92, 0.89] })), "C3");
    expect(contradicted).toMatch(/^\*\*C3 contradicted\*\* \(2 contradicted of 2 rows\)/);
    const mixed = lineOf(answer(runs(morePull, { bce: [0.95, 0.96, 0.94], mse: [0.9, 0.92, 0.89] })), "C3");
    expect(mixed).toMatch(/^\*\*C3 mixed\*\* \(1 supported, 1 contradicted of 2 rows\)/);
  });

  it("a claim of no bias within the smallest effect of interest is supported; a claim with no tallied row says what its rows are", () => {
    const lines = answer(runs({ bce: [-0.05, -0.052, -0.049], mse: [0.0001, -0.0002, 0.0001] }));
    expect(lineOf(lines, "C4")).toMatch(/^\*\*C4 supported\*\* \(1 row\): MSE-trained outputs are unbiased\. AE-MSE vs 0, reliability pull /);
    expect(lineOf(lines, "M1")).toMatch(
      /^\*\*M1 manipulation check: differs \(lower\)\*\*: The losses differ in their sharpness at all\. AE-BCE − AE-MSE, sharpness ratio -0\.103/,
    );
  });

  it("a claim whose groups did not complete is not measured, and says so", () => {
    const all = runs(morePull);
    const { spec } = claimRowsOf(all, CLAIMS);
    const only = all.filter((r) => r.group === "ae-mse");
    const { rows } = claimRowsOf(only, CLAIMS.replace(/ {2}- id: C3[\s\S]*?(?= {2}- id: C4)/, "").replace(/ {2}- id: M1[\s\S]*$/, ""));
    const lines = answerLines(spec.claims, rows, []);
    expect(lineOf(lines, "C3")).toBe(
      "**C3 not measured**: BCE-trained reconstructions are blurrier than MSE-trained ones. No row could be computed from these runs.",
    );
  });

  it("a group at the epoch cap qualifies the answer", () => {
    expect(answer(runs(morePull, undefined, true))).toContain(
      "**Convergence**: 1 of 2 groups hit the epoch cap before their validation loss stopped improving (ae-bce), so the rows that use them (‡) describe models still improving.",
    );
  });

  it("quotes the numbers of two rows at most, and says how many more the table holds", () => {
    const rows = [1, 2, 3, 4].map(
      (i) =>
        ({
          claim: "H",
          comparison: `g${i} − g0`,
          metric: "m (x)",
          role: "evidence",
          effect: `0.${i} [0.0${i}, 0.${i + 1}]`,
          verdict: "supported",
        }) as VerdictRow,
    );
    const [line] = answerLines([{ id: "H", statement: "More is more." }], rows, []);
    expect(line).toBe(
      "**H supported** (4 supported of 4 rows): More is more. g1 − g0, m 0.1, 95% CI 0.01 to 0.2 (supported); g2 − g0, m 0.2, 95% CI 0.02 to 0.3 (supported); 2 more in the table.",
    );
  });

  it("claimVerdict reads the rows only", () => {
    const row = (verdict: string, role = "evidence") => ({ verdict, role, outcome: "inconclusive" }) as VerdictRow;
    expect(claimVerdict([])).toBe("not measured");
    expect(claimVerdict([row("holds"), row("holds")])).toBe("holds");
    expect(claimVerdict([row("holds"), row("fails")])).toBe("mixed");
    expect(claimVerdict([row("descriptive", "descriptive")])).toBe("descriptive: inconclusive");
  });

  it("an effect is quoted with its interval, in words", () => {
    expect(effectWords({ effect: "-0.103 [-0.118, -0.0890]; -11% of AE-MSE's 0.903" })).toBe("-0.103, 95% CI -0.118 to -0.0890");
    expect(effectWords({ effect: "0 in every seed" })).toBe("0 in every seed");
  });
});

describe("qualifications after the claims", () => {
  it("on two datasets, says where the datasets' verdicts differ", () => {
    const twoDatasets = (["mnist", "fashion-mnist"] as const).flatMap((dataset) =>
      (["bce", "mse"] as const).flatMap((recon) =>
        [1, 2, 3].map((seed) => {
          const blurrier = recon === "bce" && dataset === "mnist";
          const gradient = (recon === "mse" ? 0.9 : blurrier ? 0.8 : 0.97) + seed * 0.01 * (recon === "bce" ? 1.1 : 1);
          return levelledRun({ dataset, loss: `ae-${recon}` }, { recon, dataset }, seed, { sharpnessRatio: { gradient, laplacianVariance: 0 } });
        }),
      ),
    );
    const { rows, spec } = claimRowsOf(
      twoDatasets,
      `claims:\n  - { id: C3, statement: x, comparisons: [{ a: { loss: ae-bce }, b: { loss: ae-mse }, metric: sharpness, expect: less }] }\n`,
    );
    const lines = answerLines(spec.claims, rows, []);
    expect(lines[0]).toMatch(
      /^\*\*C3 mixed\*\* \(1 supported, 1 contradicted of 2 rows\): x\. \[mnist\] AE-BCE − AE-MSE, sharpness ratio .*\[fashion-mnist\] AE-BCE − AE-MSE/,
    );
    expect(lines[1]).toBe(
      "**Datasets**: on mnist and fashion-mnist the same comparison reaches the same verdict in 0 of 1 tallied rows; they differ on C3 AE-BCE − AE-MSE, sharpness ratio (mnist supported, fashion-mnist contradicted).",
    );
  });

  it("names runs that failed inside groups that did not, and nothing when there are none", () => {
    const failed = [{ group: "conv/mnist/ae-mse+gan/none (AE-MSE+GAN(λ adaptive))", seed: 2, accuracy: 0.086, others: [0.94, 0.94] }];
    expect(answerLines([], [], [], failed)).toEqual([
      "**Failed runs**: one run failed to reconstruct although the rest of its group did (conv/mnist/ae-mse+gan/none (AE-MSE+GAN(λ adaptive)), seed 2: see the caveats); the rows that use that group average over it.",
    ]);
    expect(answerLines([], [], [])).toEqual([]);
  });
});
