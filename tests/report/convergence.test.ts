import { describe, expect, it } from "vitest";
import { rowsOf } from "./claim-rows.js";
import { convergenceCaveats, convergenceTable, groupConvergence, hitEpochCap } from "../../src/report/convergence.js";
import { groupRuns } from "../../src/report/groups.js";
import { convergence, measuredRun } from "./measured-run.js";

const curve = (epochs: number) => Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, step: (i + 1) * 10, validation: 10 - i }));
const stopped = (bestEpoch: number, epochsRun: number) => ({
  status: "completed",
  convergence: convergence({ converged: true, bestEpoch, epochsRun }),
  curve: curve(epochsRun),
});
const capped = (bestEpoch: number) => ({ status: "completed", convergence: convergence({ converged: false, bestEpoch, epochsRun: 20 }), curve: curve(20) });

const BLUR = `claims:\n  - { id: C3, statement: x, comparisons: [{ a: { loss: ae-bce }, b: { loss: ae-mse }, metric: sharpness, expect: less }] }\n`;

describe("convergence per group", () => {
  it("every seed stopped by patience: converged, with best epoch and epochs run as min–max over seeds", () => {
    const [g] = groupRuns([
      measuredRun("ae-mse", {}, 1, {}, stopped(5, 8)),
      measuredRun("ae-mse", {}, 2, {}, stopped(7, 10)),
      measuredRun("ae-mse", {}, 3, {}, stopped(6, 9)),
    ]);
    const c = groupConvergence(g);
    expect(c).toMatchObject({ status: "converged", seeds: 3, stopped: 3, capped: 0, bestEpoch: [5, 7], epochsRun: [8, 10], maxEpochs: [20, 20] });
    expect(hitEpochCap(g)).toBe(false);
    expect(convergenceTable([c])).toContain("| ae-mse | 3 | converged (all 3 seeds stopped by patience) | 5–7 | 8–10 | 20 |");
    expect(convergenceCaveats([c])).toEqual([]);
  });

  it("one seed at the cap marks the group, its caveat and the verdict rows that use it", () => {
    const runs = [1, 2, 3].flatMap((seed) => [
      measuredRun(
        "ae-bce",
        { recon: "bce" },
        seed,
        { sharpnessRatio: { gradient: 0.8 + seed / 100, laplacianVariance: 0 } },
        seed === 2 ? capped(19) : stopped(6, 9),
      ),
      measuredRun("ae-mse", { recon: "mse" }, seed, { sharpnessRatio: { gradient: 0.9 + seed / 50, laplacianVariance: 0 } }, stopped(6, 9)),
    ]);
    const groups = groupRuns(runs);
    const c = groups.map(groupConvergence);
    expect(c[0]).toMatchObject({ group: "ae-bce", status: "hit the cap", capped: 1, stopped: 2, bestEpoch: [6, 19], epochsRun: [9, 20] });
    expect(convergenceTable(c)).toContain("| ae-bce | 3 | **hit the epoch cap** (1 of 3 seeds) | 6–19 | 9–20 | 20 |");
    expect(convergenceCaveats(c)).toHaveLength(1);
    expect(convergenceCaveats(c)[0]).toMatch(/^ae-bce: 1 of 3 seeds hit the cap of 20 epochs/);
    const c3 = rowsOf(runs, BLUR);
    expect(c3.length).toBeGreaterThan(0);
    for (const r of c3) expect(r.comparison).toBe("AE-BCE‡ − AE-MSE");
  });

  it("runs without early stopping: convergence unknown, read from the curve's length", () => {
    const noEarlyStopping = {
      status: "completed",
      curve: [
        { epoch: 1, step: 5, test: 3 },
        { epoch: 2, step: 10, test: 2 },
        { epoch: 3, step: 15, test: 1.5 },
      ],
    };
    const [g] = groupRuns([measuredRun("ae-mse", {}, 1, {}, noEarlyStopping), measuredRun("ae-mse", {}, 2, {}, noEarlyStopping)]);
    const c = groupConvergence(g);
    expect(c).toMatchObject({ status: "unknown", stopped: 0, capped: 0, bestEpoch: undefined, epochsRun: [3, 3] });
    expect(hitEpochCap(g)).toBe(false);
    expect(convergenceTable([c])).toContain("| ae-mse | 2 | unknown (no early stopping: fixed budget) | – | 3 | – |");
    const unknown = [1, 2].flatMap((s) => [measuredRun("ae-mse", {}, s, {}, noEarlyStopping), measuredRun("ae-bce", { recon: "bce" }, s, {}, noEarlyStopping)]);
    expect(rowsOf(unknown, BLUR).every((r) => !r.comparison.includes("‡"))).toBe(true);
  });
});
