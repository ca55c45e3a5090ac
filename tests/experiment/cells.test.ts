import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import {
  cellLockPath,
  configHash,
  ExperimentError,
  findCell,
  listLines,
  loadExperiment,
  parseShard,
  readCellRecord,
  shardCells,
  startExperiment,
  writeCellRecord,
  type ResolvedCell,
} from "../../src/experiment/index.js";

const root = mkdtempSync(join(tmpdir(), "aelab-cells-"));
writeFileSync(join(root, "base.yaml"), "model: { variant: ae, recon: mse }\ntrain: { epochs: 1 }\n");
// 3 x 3 = 9 cells, one excluded: 8, so shards of 3 are uneven (3, 3, 2).
const file = join(root, "grid.yaml");
writeFileSync(
  file,
  "name: grid\nbase: base.yaml\naxes:\n  case:\n    ok: { train.lr: 0.001 }\n    two: { train.lr: 0.002 }\n    three: { train.lr: 0.003 }\n  seed: [1, 2, 3]\nexclude:\n  - { case: three, seed: 3 }\n",
);
const fakeAelab = [process.execPath, "--import", "tsx", join(import.meta.dirname, "../helpers/fake-cell.ts")];

function load(logdir: string) {
  return loadExperiment(file, { logdir: join(root, logdir) });
}

/** A run folder as `aelab train` leaves it, without training. */
function fakeRun(cell: ResolvedCell, status: string, options: { checkpoint?: boolean; config?: object; error?: string } = {}): void {
  mkdirSync(cell.dir, { recursive: true });
  writeFileSync(join(cell.dir, "config.yaml"), `# resolved\n${stringify(options.config ?? cell.config)}`);
  writeFileSync(join(cell.dir, "run.json"), JSON.stringify({ name: cell.name, status, ...(options.error ? { error: options.error } : {}) }));
  if (options.checkpoint) {
    mkdirSync(join(cell.dir, "checkpoint"), { recursive: true });
    writeFileSync(join(cell.dir, "checkpoint", "state.json"), "{}");
  }
}

function writeLock(experimentDir: string, cell: string, holder: object): void {
  const path = cellLockPath(experimentDir, cell);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(holder));
}

function readLockFile(path: string): { heartbeatAt: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { heartbeatAt: string };
  } catch {
    return undefined;
  }
}

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

afterEach(() => {
  delete process.env.FAKE_CELL_ALL_OK;
  delete process.env.FAKE_CELL_SLEEP_MS;
});

describe("--list", () => {
  it("prints every cell with its grid index, its config's hash and its state read from its folder and lock", () => {
    const experiment = load("list");
    const [missing, done, failed, stopped, running, staleHeartbeat, staleDead, staleRunJson] = experiment.cells;
    void missing;
    fakeRun(done, "completed");
    fakeRun(failed, "failed", { error: "train/loss is NaN at step 3" });
    fakeRun(stopped, "interrupted", { checkpoint: true });
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // Another machine, heartbeat 10 s ago: running.
    writeLock(experiment.dir, running.name, { host: "node-2.cluster", pid: 77, startedAt: iso(now - 60_000), heartbeatAt: iso(now - 10_000) });
    // Another machine, silent for 10 min: it died.
    fakeRun(staleHeartbeat, "running", { checkpoint: true });
    writeLock(experiment.dir, staleHeartbeat.name, { host: "node-3.cluster", pid: 78, startedAt: iso(now - 900_000), heartbeatAt: iso(now - 600_000) });
    // This machine, a pid nobody has.
    writeLock(experiment.dir, staleDead.name, { host: hostname(), pid: 2 ** 30, startedAt: iso(now), heartbeatAt: iso(now) });
    // run.json says running, no lock: its runner died without a word.
    fakeRun(staleRunJson, "running");

    const lines = listLines(experiment, { now: () => now });
    expect(lines[0]).toBe(`experiment grid: 8 cells in ${experiment.dir}: 1 missing, 1 done, 1 failed, 1 stopped, 1 running, 3 stale`);
    const rows = lines.slice(1).map((l) => l.split(/ {2,}/));
    expect(rows.map((r) => r[0])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(rows.map((r) => r[3])).toEqual(experiment.cells.map((c) => c.name));
    expect(rows.map((r) => r[1])).toEqual(experiment.cells.map((c) => configHash(c.config)));
    expect(new Set(rows.map((r) => r[1])).size).toBe(8);
    expect(rows.map((r) => r[2])).toEqual(["missing", "done", "failed", "stopped", "running", "stale", "stale", "stale"]);
    expect(lines[3]).toContain("(train/loss is NaN at step 3)");
    expect(lines[5]).toContain("(node-2.cluster pid 77, heartbeat 10 s ago)");
    expect(lines[6]).toContain("(lock of node-3.cluster pid 78, heartbeat 600 s ago)");
    expect(lines[8]).toContain("(left running before its first checkpoint, nobody holds its lock)");
  });

  it("believes a runner that saw its run killed mid-step (cell.json) over the run.json left saying running", () => {
    const experiment = load("list-killed");
    const [interrupted, failed] = experiment.cells;
    const record = {
      index: 0,
      configHash: "x",
      host: "node-4",
      pid: 5,
      seed: 1,
      aelabVersion: "0.1.0",
      startedAt: "2026-12-07T01:00:00.000Z",
      heartbeatAt: "2026-12-07T01:00:09.000Z",
      endedAt: "2026-12-07T01:00:09.000Z",
    };
    fakeRun(interrupted, "running");
    writeCellRecord(interrupted.dir, { ...record, name: interrupted.name, status: "interrupted" });
    fakeRun(failed, "running", { checkpoint: true });
    writeCellRecord(failed.dir, { ...record, name: failed.name, status: "failed" });
    const lines = listLines(experiment);
    expect(lines[1]).toMatch(/ {2}stopped {2}ok\/seed-1 {2}\(interrupted on node-4 at 2026-12-07T01:00:09.000Z, runs anew\)$/);
    expect(lines[2]).toMatch(/ {2}failed {3}ok\/seed-2 {2}\(on node-4 at 2026-12-07T01:00:09.000Z\)$/);
  });

  it("shows a cell whose config changed as changed, naming the key", () => {
    const experiment = load("list-changed");
    const cell = experiment.cells[2];
    fakeRun(cell, "completed", { config: { ...cell.config, train: { ...cell.config.train, epochs: 4 } } });
    expect(listLines(experiment)[3]).toMatch(/^2 {2}[0-9a-f]{12} {2}changed {2}ok\/seed-3 {2}\(train\.epochs was 4, the experiment now gives 1\)$/);
  });

  it("is what aelab experiment --list prints, with the hash independent of the order keys were set in", () => {
    const run = aelab("experiment", file, "--logdir", join(root, "cli-list"), "--list");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe(`7  ${configHash(load("cli-list").cells[7].config)}  missing  three/seed-2`);
    expect(configHash({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(configHash({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(configHash({ a: 1, b: { c: [1, 2] } })).not.toBe(configHash({ a: 1, b: { c: [2, 1] } }));
  });
});

describe("--shard", () => {
  it("splits the cells round-robin by grid index: shards 1..n hold every cell exactly once, the same cells every time", () => {
    const experiment = load("shards");
    const names = experiment.cells.map((c) => c.name);
    for (let n = 1; n <= 10; n++) {
      const shards = Array.from({ length: n }, (_, i) => shardCells(experiment.cells, parseShard(`${i + 1}/${n}`)).map((c) => c.name));
      expect(shards.flat().sort()).toEqual([...names].sort());
      expect(new Set(shards.flat()).size).toBe(names.length);
      shards.forEach((cells, i) => expect(cells).toEqual(names.filter((_, k) => k % n === i)));
    }
    expect(shardCells(experiment.cells, parseShard("2/3")).map((c) => c.name)).toEqual(["ok/seed-2", "two/seed-2", "three/seed-2"]);
    // Whatever has finished: a completed cell stays in its shard.
    fakeRun(experiment.cells[1], "completed");
    expect(shardCells(load("shards").cells, parseShard("2/3")).map((c) => c.name)).toEqual(["ok/seed-2", "two/seed-2", "three/seed-2"]);
  });

  it("refuses a malformed shard in one line", () => {
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "2"]) {
      expect(() => parseShard(bad)).toThrow(new ExperimentError(`--shard must be i/n with 1 <= i <= n, e.g. --shard 2/4 (got ${JSON.stringify(bad)})`));
    }
  });

  it("runs only its cells; the other shards then finish the rest, and a shard run again skips what is done", async () => {
    process.env.FAKE_CELL_ALL_OK = "1";
    const experiment = load("shard-run");
    const run = async (shard: string) => {
      const lines: string[] = [];
      const running = startExperiment(experiment, {
        workers: 2,
        force: false,
        report: true,
        log: (l) => lines.push(l),
        aelab: fakeAelab,
        cells: shardCells(experiment.cells, parseShard(shard)),
      });
      return { outcome: await running.done, lines };
    };
    const first = await run("1/3");
    expect(first.outcome.results.map((r) => [r.cell.name, r.status])).toEqual([
      ["ok/seed-1", "completed"],
      ["two/seed-1", "completed"],
      ["three/seed-1", "completed"],
    ]);
    expect(first.lines[0]).toMatch(/^experiment grid: 3 of its 8 cells of case \(3\) x seed \(3\), 1 excluded: 3 new; 2 at a time/);
    expect(first.lines).toContain(`report: not written by a part of the experiment; once every part has finished: aelab report ${experiment.dir}`);
    expect(experiment.cells.filter((c) => existsSync(c.dir)).map((c) => c.name)).toEqual(["ok/seed-1", "two/seed-1", "three/seed-1"]);
    await run("2/3");
    await run("3/3");
    expect(
      listLines(experiment)
        .slice(1)
        .every((l) => l.includes("  done  ")),
    ).toBe(true);
    const again = await run("3/3");
    expect(again.outcome.results.map((r) => r.status)).toEqual(["skipped", "skipped"]);
  }, 60_000);
});

describe("--cell", () => {
  it("finds a cell by index or name, and says in one line when there is none", () => {
    const experiment = load("find");
    expect(findCell(experiment, "4").name).toBe("two/seed-2");
    expect(findCell(experiment, "two/seed-2").name).toBe("two/seed-2");
    expect(() => findCell(experiment, "8")).toThrow(new ExperimentError(`${file}: --cell 8: no such cell (indexes 0 to 7; see --list)`));
    expect(() => findCell(experiment, "two/seed-9")).toThrow(
      new ExperimentError(`${file}: --cell two/seed-9: no cell of that name (8 cells, e.g. ok/seed-1; see --list)`),
    );
  });

  it("aelab experiment --cell with a wrong index prints one line and exits 2", () => {
    const run = aelab("experiment", file, "--logdir", join(root, "cli-cell"), "--cell", "12");
    expect(run.stderr).toBe(`aelab: ${file}: --cell 12: no such cell (indexes 0 to 7; see --list)\n`);
    expect(run.status).toBe(2);
    expect(existsSync(join(root, "cli-cell"))).toBe(false);
  });

  it("runs one cell by index or name, recording host, pids, times, seed, version, config hash and heartbeat in its folder", async () => {
    process.env.FAKE_CELL_ALL_OK = "1";
    const experiment = load("one-cell");
    for (const which of ["5", "ok/seed-1"]) {
      const cell = findCell(experiment, which);
      const running = startExperiment(experiment, { workers: 1, force: false, report: false, log: () => {}, aelab: fakeAelab, cells: [cell] });
      const outcome = await running.done;
      expect(outcome.results.map((r) => [r.cell.name, r.status])).toEqual([[cell.name, "completed"]]);
    }
    expect(experiment.cells.filter((c) => existsSync(c.dir)).map((c) => c.name)).toEqual(["ok/seed-1", "two/seed-3"]);
    const record = readCellRecord(experiment.cells[5].dir)!;
    expect(record).toMatchObject({
      name: "two/seed-3",
      index: 5,
      configHash: configHash(experiment.cells[5].config),
      host: hostname(),
      pid: process.pid,
      trainPid: expect.any(Number) as unknown,
      seed: 3,
      aelabVersion: "0.1.0",
      status: "completed",
    });
    expect(Date.parse(record.endedAt!)).toBeGreaterThanOrEqual(Date.parse(record.startedAt));
    expect(record.heartbeatAt).toBe(record.endedAt);
    expect(existsSync(cellLockPath(experiment.dir, "two/seed-3"))).toBe(false);
  }, 60_000);

  it("touches the cell's lock and cell.json while it runs, and shows it as running to --list", async () => {
    process.env.FAKE_CELL_ALL_OK = "1";
    process.env.FAKE_CELL_SLEEP_MS = "1500";
    const experiment = load("heartbeat");
    const cell = experiment.cells[0];
    const running = startExperiment(experiment, { workers: 1, force: false, report: false, log: () => {}, aelab: fakeAelab, cells: [cell], heartbeatMs: 100 });
    const lockBeats = new Set<string>();
    const recordBeats = new Set<string>();
    const states = new Set<string>();
    let finished = false;
    void running.done.then(() => (finished = true));
    while (!finished) {
      const lock = readLockFile(cellLockPath(experiment.dir, cell.name));
      if (lock) lockBeats.add(lock.heartbeatAt);
      const record = readCellRecord(cell.dir);
      if (record && !record.endedAt) recordBeats.add(record.heartbeatAt);
      states.add(listLines(experiment)[1].split(/ {2,}/)[2]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await running.done).results[0].status).toBe("completed");
    expect(lockBeats.size).toBeGreaterThan(3);
    expect(recordBeats.size).toBeGreaterThan(3);
    expect(states).toContain("running");
    expect(listLines(experiment)[1].split(/ {2,}/)[2]).toBe("done");
  }, 60_000);

  it("refuses a cell whose config changed, naming the key, unless forced", async () => {
    process.env.FAKE_CELL_ALL_OK = "1";
    const experiment = load("cell-changed");
    const cell = experiment.cells[3];
    fakeRun(cell, "completed", { config: { ...cell.config, train: { ...cell.config.train, lr: 0.5 } } });
    const start = (force: boolean) => startExperiment(experiment, { workers: 1, force, report: false, log: () => {}, aelab: fakeAelab, cells: [cell] });
    expect(() => start(false)).toThrow(/^cell two\/seed-1 \(.*\) was run with another config: train\.lr was 0\.5, the experiment now gives 0\.002; .*--force/);
    const outcome = await start(true).done;
    expect(outcome.results[0]).toMatchObject({ status: "completed", movedTo: `${cell.dir}.old-1` });
  }, 60_000);

  it("leaves a cell that a live runner elsewhere holds alone, and says so", async () => {
    process.env.FAKE_CELL_ALL_OK = "1";
    const experiment = load("held");
    const cell = experiment.cells[0];
    const now = new Date().toISOString();
    writeLock(experiment.dir, cell.name, { host: "node-9.cluster", pid: 12, startedAt: now, heartbeatAt: now });
    const lines: string[] = [];
    const outcome = await startExperiment(experiment, { workers: 1, force: false, report: false, log: (l) => lines.push(l), aelab: fakeAelab, cells: [cell] })
      .done;
    expect(outcome.results[0]).toMatchObject({ status: "elsewhere" });
    expect(outcome.failed).toEqual([]);
    expect(lines).toContain("busy    ok/seed-1: running elsewhere (node-9.cluster pid 12, heartbeat 0 s ago) (0/1 done)");
    expect(existsSync(cell.dir)).toBe(false);
  }, 60_000);
});
