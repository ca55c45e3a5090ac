import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { learningCurveFigures, meanCurve } from "../../src/report/curves.js";
import { groupRuns } from "../../src/report/groups.js";
import { convergence, measuredRun } from "./measured-run.js";

const outcome = (values: number[], split: "validation" | "test") => ({
  status: "completed",
  convergence: convergence({ converged: true, bestEpoch: 1, epochsRun: values.length }),
  curve: values.map((v, i) => ({ epoch: i + 1, step: 10 * (i + 1), [split]: v, train: v + 1 })),
});

describe("learning curves", () => {
  it("average the monitored validation loss over the seeds that ran each epoch", () => {
    const [g] = groupRuns([
      measuredRun("ae-mse", {}, 1, {}, outcome([10, 8, 7], "validation")),
      measuredRun("ae-mse", {}, 2, {}, outcome([12, 6], "validation")),
    ]);
    expect(meanCurve(g)).toEqual({
      split: "validation",
      points: [
        { x: 1, y: 11 },
        { x: 2, y: 7 },
        { x: 3, y: 7 },
      ],
    });
  });

  it("fall back to the test loss without a validation split, and leave out non-finite values", () => {
    const [g] = groupRuns([measuredRun("ae-mse", {}, 1, {}, outcome([5, NaN, 3], "test"))]);
    expect(meanCurve(g)).toEqual({
      split: "test",
      points: [
        { x: 1, y: 5 },
        { x: 3, y: 3 },
      ],
    });
    expect(meanCurve(groupRuns([measuredRun("ae-bce", {}, 1, {})])[0])).toBeUndefined();
  });

  it("draw one figure per variant family with one line per group", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-curves-"));
    const groups = groupRuns([
      measuredRun("ae-mse", {}, 1, {}, outcome([10, 8, 7], "validation")),
      measuredRun("ae-bce", { recon: "bce" }, 1, {}, outcome([90, 80, 78], "validation")),
      measuredRun("vae-mse", { variant: "vae", family: "vae" }, 1, {}, outcome([20, 15], "test")),
    ]);
    const figures = await learningCurveFigures(dir, groups);
    expect(figures.map((f) => f.file)).toEqual(["fig-learning-curves-ae.png", "fig-learning-curves-vae.png"]);
    const aeSvg = readFileSync(join(dir, "fig-learning-curves-ae.svg"), "utf8");
    expect(aeSvg).toContain("ae-mse");
    expect(aeSvg).toContain("ae-bce");
    expect(aeSvg).not.toContain("vae-mse");
    expect(figures[1].caption).toContain("whether the models converged is unknown");
    expect(figures[0].caption).not.toContain("unknown");
    for (const f of figures) expect(existsSync(join(dir, f.file))).toBe(true);
    expect(await learningCurveFigures(dir, groupRuns([measuredRun("ae-mse", {}, 1, {})]))).toEqual([]);
  });

  it("print epochs as whole numbers, on a log loss axis unless a loss goes negative", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-curves-"));
    const epochs = [100, 50, 40];
    const [positive] = await learningCurveFigures(dir, groupRuns([measuredRun("ae-mse", {}, 1, {}, outcome(epochs, "validation"))]));
    const svg = readFileSync(join(dir, "fig-learning-curves-ae.svg"), "utf8");
    const tickLabels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(tickLabels).toEqual(expect.arrayContaining(["1", "2", "3"]));
    expect(tickLabels.filter((t) => /^\d\.\d+$/.test(t))).toEqual([]);
    expect(positive.title).toBe("AE: learning curves");
    expect(svg).toContain("log scale");
    await learningCurveFigures(dir, groupRuns([measuredRun("ae-mse", {}, 1, {}, outcome([5, -2, -3], "validation"))]));
    expect(readFileSync(join(dir, "fig-learning-curves-ae.svg"), "utf8")).not.toContain("log scale");
  });
});
