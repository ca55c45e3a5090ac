import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadExperiment, planExperiment, readExperimentRecord, startExperiment } from "../../src/experiment/index.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-failed-cells-"));
writeFileSync(join(dir, "base.yaml"), "model: { variant: ae, recon: mse }\n");
const file = join(dir, "faults.yaml");
writeFileSync(
  file,
  "name: faults\nbase: base.yaml\naxes:\n  case:\n    ok: { train.lr: 0.001 }\n    nan: { train.lr: 0.002 }\n    killed: { train.lr: 0.003 }\n    baddata: { train.lr: 0.004 }\n  seed: [1, 2]\n",
);
const fakeAelab = [process.execPath, "--import", "tsx", join(import.meta.dirname, "../helpers/fake-cell.ts")];

async function runExperiment(lines: string[]) {
  const experiment = loadExperiment(file, { logdir: join(dir, "runs") });
  const running = startExperiment(experiment, { workers: 2, force: false, report: false, log: (line) => lines.push(line), aelab: fakeAelab });
  return { experiment, outcome: await running.done };
}

afterEach(() => {
  delete process.env.FAKE_CELL_ALL_OK;
});

describe("an experiment with failing cells", () => {
  it("records each failed cell with its error, runs the others, and a re-run retries only the failed and missing cells", async () => {
    const lines: string[] = [];
    const { experiment, outcome } = await runExperiment(lines);
    const statusOf = (name: string) => outcome.results.find((r) => r.cell.name === name)?.status;
    for (const seed of ["seed-1", "seed-2"]) {
      expect(statusOf(`ok/${seed}`)).toBe("completed");
      for (const bad of ["nan", "killed", "baddata"]) expect(statusOf(`${bad}/${seed}`)).toBe("failed");
    }

    const cells = Object.fromEntries(readExperimentRecord(experiment.dir).cells.map((c) => [c.name, c.outcome]));
    expect(cells["ok/seed-1"]).toMatchObject({ status: "completed" });
    expect(cells["nan/seed-1"]).toMatchObject({ status: "failed", error: "train/loss is NaN at step 1" });
    // Killed: its run.json still says "running"; the runner knows better.
    expect(cells["killed/seed-1"]).toMatchObject({ status: "failed", error: "killed by SIGKILL" });
    // Bad data: no run folder at all, yet the failure and its reason are on record.
    expect(cells["baddata/seed-2"]).toMatchObject({ status: "failed", error: expect.stringMatching(/^aelab: .*permission denied/) as unknown });
    expect(lines.filter((l) => l.startsWith("FAILED"))).toHaveLength(6);

    const actions = Object.fromEntries(planExperiment(experiment, { force: false }).map((p) => [p.cell.name, p.action.kind]));
    expect(actions).toEqual({
      "ok/seed-1": "skip",
      "ok/seed-2": "skip",
      "nan/seed-1": "rerun",
      "nan/seed-2": "rerun",
      "killed/seed-1": "rerun",
      "killed/seed-2": "rerun",
      "baddata/seed-1": "run",
      "baddata/seed-2": "run",
    });

    process.env.FAKE_CELL_ALL_OK = "1";
    const again: string[] = [];
    const second = await runExperiment(again);
    expect(second.outcome.failed).toEqual([]);
    expect(
      again
        .filter((l) => l.startsWith("start"))
        .map((l) => l.split(":")[0])
        .sort(),
    ).toEqual(["baddata/seed-1", "baddata/seed-2", "killed/seed-1", "killed/seed-2", "nan/seed-1", "nan/seed-2"].map((n) => `start   ${n}`).sort());
    expect(second.outcome.results.filter((r) => r.status === "skipped").map((r) => r.cell.name)).toEqual(["ok/seed-1", "ok/seed-2"]);
    const after = readExperimentRecord(second.experiment.dir).cells;
    expect(after.every((c) => c.outcome?.status === "completed" && c.outcome.error === undefined)).toBe(true);
  }, 120_000);
});
