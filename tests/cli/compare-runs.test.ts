import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// `aelab compare-runs`: the check a borrowed GPU machine runs (scripts/gpu-check.sh --quick) on a cpu and
// a webgpu run; here on runs of one backend, where the same seed must agree bit for bit.

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

const logdir = mkdtempSync(join(tmpdir(), "aelab-compare-runs-"));
const TINY = ["--set", "data.trainLimit=128", "--set", "data.testLimit=32", "--set", "train.epochs=1", "--set", "log.every=1"];

beforeAll(() => {
  for (const [name, seed] of [
    ["a", 1],
    ["b", 1],
    ["c", 2],
  ] as const) {
    const run = aelab("train", "configs/ae-mse.yaml", "--logdir", logdir, "--name", name, "--set", `seed=${seed}`, ...TINY);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  }
}, 120_000);

describe("aelab compare-runs", () => {
  it("finds two runs of one seed equal, bit for bit", () => {
    const run = aelab("compare-runs", join(logdir, "a"), join(logdir, "b"));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ scalars in both; largest relative difference 0\.00e\+0; allowed 0 relative \+ 0 absolute\nthe runs agree\n$/);
    expect(Number(run.stdout.split(" ")[0])).toBeGreaterThan(10);
  });

  it("lists what differs between two seeds, worst first, and exits 3", () => {
    const run = aelab("compare-runs", join(logdir, "a"), join(logdir, "c"), "--tolerance", "1e-4", "--include", "train/");
    expect(run.status).toBe(3);
    const differs = run.stdout.split("\n").filter((line) => line.startsWith("differs  train/"));
    expect(differs.length).toBeGreaterThan(0);
    const relative = differs.map((line) => Number(/\(relative ([^)]+)\)$/.exec(line)?.[1]));
    expect(relative).toEqual([...relative].sort((x, y) => y - x));
    expect(relative.every((d) => d > 1e-4)).toBe(true);
    expect(run.stdout).toMatch(/the runs disagree: \d+ differ, 0 logged by one run only\n$/);
  });

  it("lets a tolerance cover the difference it is given", () => {
    const run = aelab("compare-runs", join(logdir, "a"), join(logdir, "c"), "--tolerance", "1", "--include", "train/");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/the runs agree\n$/);
  });

  it("names a missing run folder, and a negative tolerance, in one line", () => {
    const missing = aelab("compare-runs", join(logdir, "a"), join(logdir, "nope"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`aelab: ${join(logdir, "nope")}: no such run folder`);
    const negative = aelab("compare-runs", join(logdir, "a"), join(logdir, "b"), "--tolerance", "-1");
    expect(negative.stderr).toBe("aelab: --tolerance must be a number >= 0 (got -1)");
  });
});
