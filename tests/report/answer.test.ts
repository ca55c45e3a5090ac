import { describe, expect, it } from "vitest";
import { answerParagraph, answerSentences, effectWords } from "../../src/report/answer.js";
import { verdicts, type VerdictRow } from "../../src/report/claims.js";
import { groupConvergence } from "../../src/report/convergence.js";
import { groupRuns, type Group } from "../../src/report/groups.js";
import { convergence, measuredRun } from "./measured-run.js";

/** AE BCE and MSE groups with the given reliability pulls and sharpness ratios per seed; every run stopped by patience unless `capped`. */
function groups(pulls: { bce: number[]; mse: number[] }, sharp = { bce: [0.8, 0.81, 0.79], mse: [0.9, 0.92, 0.89] }, capped = false): Group[] {
  const outcome = (converged: boolean) => ({ status: "completed", convergence: convergence({ converged, bestEpoch: converged ? 6 : 20, epochsRun: converged ? 9 : 20 }), curve: [] });
  return groupRuns(
    (["bce", "mse"] as const).flatMap((recon) =>
      pulls[recon].map((pull, i) =>
        measuredRun(`ae-${recon}`, { recon }, i + 1, { reliability: { pull, meanAbsBias: 0, bins: [] }, sharpnessRatio: { gradient: sharp[recon][i], laplacianVariance: 0 } }, outcome(!(capped && recon === "bce"))),
      ),
    ),
  );
}

const sentences = (g: Group[]) => answerSentences(verdicts(g), g.map(groupConvergence));
const c3Of = (s: string[]) => s.find((x) => x.startsWith("On greyscale targets (C3)"))!;
const choiceOf = (s: string[]) => s[s.length - 1];

describe("the opening answer comes from the rows", () => {
  const morePull = { bce: [-0.05, -0.052, -0.049], mse: [-0.01, -0.013, -0.008] };
  const lessPull = { bce: [-0.005, -0.004, -0.006], mse: [-0.05, -0.052, -0.049] };

  it("a C3 verdict flipped from supported to contradicted flips its sentence and the choice", () => {
    const supported = sentences(groups(morePull));
    const contradicted = sentences(groups(lessPull, { bce: [0.95, 0.96, 0.94], mse: [0.9, 0.92, 0.89] }));
    expect(c3Of(supported)).toMatch(/in autoencoders, BCE pulls outputs toward ½ more than MSE does \(reliability pull BCE − MSE -0\.0400, 95% CI -0\.04\d+ to -0\.03\d+\), and BCE's outputs are blurrier/);
    expect(c3Of(contradicted)).toMatch(/BCE pulls outputs toward ½ less than MSE does, against C3 \(reliability pull BCE − MSE 0\.0453, 95% CI .*BCE's outputs are sharper, against C3/);
    expect(choiceOf(supported)).toMatch(/^For greyscale targets the numbers favour MSE: BCE's pull toward ½ costs sharpness or fidelity in 2 of 2 C3 rows\.$/);
    expect(choiceOf(contradicted)).toMatch(/^For greyscale targets the numbers do not favour MSE: in 2 of 2 C3 rows BCE did better than C3 predicts\.$/);
  });

  it("equal pulls within the smallest effect of interest read as equivalent", () => {
    const same = sentences(groups({ bce: [-0.02, -0.0201, -0.0199], mse: [-0.0202, -0.02, -0.0201] }, { bce: [0.9, 0.901, 0.899], mse: [0.9005, 0.9, 0.9] }));
    expect(c3Of(same)).toContain("BCE and MSE pull outputs toward ½ alike, within the smallest effect of interest ±0.0100");
    expect(choiceOf(same)).toContain("makes no difference that matters");
  });

  it("the C4 sentence follows MSE's own pull: unbiased near 0, biased far from it", () => {
    const unbiased = sentences(groups({ bce: [-0.05, -0.052, -0.049], mse: [0.0001, -0.0002, 0.0001] })).find((s) => s.endsWith("(C4)."))!;
    const biased = sentences(groups(lessPull)).find((s) => s.endsWith("(C4)."))!;
    expect(unbiased).toMatch(/^MSE-trained outputs are unbiased in autoencoders \(reliability pull .*, within ±0\.0100 of 0\) \(C4\)\.$/);
    expect(biased).toMatch(/^MSE-trained outputs are biased in autoencoders \(reliability pull -0\.0503, 95% CI /);
    const both = answerSentences(
      verdicts(groupRuns([...groups(lessPull).flatMap((g) => g.runs), ...groups(lessPull).flatMap((g) => g.runs.map((r) => ({ ...r, group: `v${r.group}`, traits: { ...r.traits, variant: "vae" as const, family: "vae" as const } })))])),
      [],
    ).find((s) => s.endsWith("(C4)."));
    expect(both).toMatch(/^MSE-trained outputs are biased in autoencoders \(reliability pull -0\.0503, .*\) and VAEs \(reliability pull -0\.0503, .*\) \(C4\)\.$/);
  });

  it("a group at the epoch cap changes the convergence sentence and qualifies the choice", () => {
    const converged = sentences(groups(morePull));
    const capped = sentences(groups(morePull, undefined, true));
    expect(converged).toContain("Every group converged: all 6 runs stopped when their validation loss stopped improving.");
    expect(capped).toContain("1 of 2 groups hit the epoch cap before their validation loss stopped improving (ae-bce), so the rows that use them (‡) describe models still improving.");
    expect(choiceOf(capped)).toMatch(/; provisional, since 1 of 2 groups had not converged\.$/);
    expect(choiceOf(converged)).not.toContain("provisional");
  });

  it("the analytic claims open it, and it stays short", () => {
    const g = groups(morePull);
    const s = sentences(g);
    expect(s[0]).toBe("By their shape alone, BCE charges the two sides of a greyscale target unequally where squared error charges them alike (C1 holds), and weighs errors near ½ about twice as much as squared error (C2 holds).");
    expect(s.length).toBeGreaterThanOrEqual(5);
    expect(s.length).toBeLessThanOrEqual(8);
    const flipped = verdicts(g).map((r): VerdictRow => (r.claim === "C2" ? { ...r, verdict: "fails" } : r));
    expect(answerSentences(flipped, [])[0]).toContain("does not weigh errors near ½ twice as much as squared error (C2 fails)");
    expect(answerParagraph(verdicts(g), g.map(groupConvergence))).toBe(s.join(" "));
  });

  it("an effect is quoted with its interval, in words", () => {
    const row = { effect: "-0.103 [-0.118, -0.0890]; -11% of AE-MSE's 0.903" } as VerdictRow;
    expect(effectWords(row)).toBe("-0.103, 95% CI -0.118 to -0.0890");
    expect(effectWords({ effect: "0 in every seed" } as VerdictRow)).toBe("0 in every seed");
  });
});

describe("on two datasets", () => {
  /** The AE BCE/MSE groups on mnist and on fashion-mnist, fashion-mnist's BCE sharper or blurrier as asked. */
  function twoDatasets(fashionBlurrier: boolean): Group[] {
    const runs = (["mnist", "fashion-mnist"] as const).flatMap((dataset) =>
      (["bce", "mse"] as const).flatMap((recon) =>
        [1, 2, 3].map((seed) => {
          const blurrier = recon === "bce" && (dataset === "mnist" || fashionBlurrier);
          const gradient = (recon === "mse" ? 0.9 : blurrier ? 0.8 : 0.97) + seed * 0.01 * (recon === "bce" ? 1.1 : 1);
          return measuredRun(`${dataset}-ae-${recon}`, { recon, dataset }, seed, { sharpnessRatio: { gradient, laplacianVariance: 0 } });
        }),
      ),
    );
    return groupRuns(runs);
  }

  it("answers C3 per dataset and says where the datasets' verdicts differ", () => {
    const agree = sentences(twoDatasets(true));
    expect(agree.filter((s) => s.includes("(C3)"))).toEqual([expect.stringMatching(/^\[mnist\] On greyscale targets \(C3\), in autoencoders, .*BCE's outputs are blurrier/), expect.stringMatching(/^\[fashion-mnist\] On greyscale targets \(C3\), in autoencoders, .*BCE's outputs are blurrier/)]);
    expect(agree.find((s) => s.startsWith("On mnist and fashion-mnist"))).toMatch(/same verdict in (\d+) of \1 rows in the tally\.$/);
    const differ = sentences(twoDatasets(false));
    expect(differ.find((s) => s.startsWith("[fashion-mnist]"))).toContain("BCE's outputs are sharper, against C3");
    expect(differ.find((s) => s.startsWith("On mnist and fashion-mnist"))).toContain("they differ on C3 AE-BCE − AE-MSE, sharpness ratio (mnist supported, fashion-mnist contradicted)");
  });
});

describe("runs that failed inside groups that did not", () => {
  it("are named in the answer, and absent from it when there are none", () => {
    const g = groups({ bce: [-0.05, -0.052, -0.049], mse: [-0.01, -0.013, -0.008] });
    const failed = [{ group: "conv/mnist/ae-mse+gan/none (AE-MSE+GAN(λ adaptive))", seed: 2, accuracy: 0.086, others: [0.94, 0.94] }];
    const text = answerParagraph(verdicts(g), g.map(groupConvergence), failed);
    expect(text).toContain("One run failed to reconstruct although the rest of its group did (conv/mnist/ae-mse+gan/none (AE-MSE+GAN(λ adaptive)), seed 2: see the caveats); the rows that use that group average over it.");
    expect(answerParagraph(verdicts(g), g.map(groupConvergence))).not.toContain("failed to reconstruct");
  });
});
