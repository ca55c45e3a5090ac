import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
  ExperimentError,
  firstDifference,
  hparamsColumns,
  loadExperiment,
  planExperiment,
  refuseConflicts,
  type ResolvedCell,
} from "../../src/experiment/index.js";

const root = mkdtempSync(join(tmpdir(), "aelab-plan-"));
writeFileSync(join(root, "base.yaml"), "model: { variant: ae, recon: mse }\ntrain: { epochs: 1 }\n");
writeFileSync(join(root, "grid.yaml"), "name: grid\nbase: base.yaml\naxes:\n  seed: [1, 2, 3, 4, 5, 6]\n");

/** A run folder as `aelab train` leaves it, without training: config.yaml, run.json, maybe a checkpoint. */
function fakeRun(cell: ResolvedCell, status: string, options: { checkpoint?: boolean; config?: object } = {}): void {
  mkdirSync(cell.dir, { recursive: true });
  writeFileSync(join(cell.dir, "config.yaml"), `# resolved\n${stringify(options.config ?? cell.config)}`);
  writeFileSync(join(cell.dir, "run.json"), JSON.stringify({ name: cell.name, status }));
  if (options.checkpoint) {
    mkdirSync(join(cell.dir, "checkpoint"), { recursive: true });
    writeFileSync(join(cell.dir, "checkpoint", "state.json"), "{}");
  }
}

describe("planExperiment", () => {
  it("runs new cells, skips completed ones, resumes stopped ones with a checkpoint and re-runs the rest", () => {
    const experiment = loadExperiment(join(root, "grid.yaml"), { logdir: join(root, "runs") });
    const [fresh, completed, interrupted, early, failed, dead] = experiment.cells;
    fakeRun(completed, "completed", { checkpoint: true });
    fakeRun(interrupted, "interrupted", { checkpoint: true });
    fakeRun(early, "interrupted");
    fakeRun(failed, "failed", { checkpoint: true });
    fakeRun(dead, "running", { checkpoint: true });
    void fresh;
    const actions = planExperiment(experiment, { force: false }).map((p) => p.action);
    expect(actions).toEqual([
      { kind: "run" },
      { kind: "skip" },
      { kind: "resume", status: "interrupted" },
      { kind: "rerun", reason: "interrupted before its first checkpoint" },
      { kind: "rerun", reason: "failed" },
      // Its process died (the experiment lock rules out another runner): resume from the checkpoint.
      { kind: "resume", status: "running" },
    ]);
  });

  it("refuses a cell run with another config in one line naming the cell and key, unless forced", () => {
    const experiment = loadExperiment(join(root, "grid.yaml"), { logdir: join(root, "changed") });
    const cell = experiment.cells[1];
    fakeRun(cell, "completed", { config: { ...cell.config, train: { ...cell.config.train, epochs: 4 } } });
    const plans = planExperiment(experiment, { force: false });
    expect(() => refuseConflicts(plans)).toThrow(ExperimentError);
    try {
      refuseConflicts(plans);
    } catch (error) {
      expect((error as Error).message).toBe(
        `cell seed-2 (${cell.dir}) was run with another config: train.epochs was 4, the experiment now gives 1; ` +
          "restore the experiment file, or pass --force to re-run such cells (the old folders are kept as <cell>.old-<n>)",
      );
    }
    const forced = planExperiment(experiment, { force: true });
    expect(forced[1].action).toEqual({ kind: "replace", difference: "train.epochs was 4, the experiment now gives 1" });
    expect(() => refuseConflicts(forced)).not.toThrow();
  });

  it("finds the first differing key of two configs", () => {
    expect(firstDifference({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 2] } })).toBeUndefined();
    expect(firstDifference({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 3] } })).toBe("a.c was [1,2], the experiment now gives [1,3]");
    expect(firstDifference({ a: {} }, { a: { d: "x" } })).toBe('a.d was (not set), the experiment now gives "x"');
  });
});

describe("hparamsColumns", () => {
  it("declares every hparam a run records, with the values that occur across the cells", () => {
    const experiment = loadExperiment(join(root, "grid.yaml"), { logdir: join(root, "hp") });
    const columns = hparamsColumns(experiment);
    expect(columns.find((c) => c.name === "seed")).toEqual({ name: "seed", type: "number", domain: { values: [1, 2, 3, 4, 5, 6] } });
    expect(columns.find((c) => c.name === "recon")).toEqual({ name: "recon", type: "string", domain: { values: ["mse"] } });
    expect(columns.map((c) => c.name)).toContain("adversarial_weight");
  });
});
