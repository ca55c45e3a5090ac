import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExperiment, LOCKS_DIR, startExperiment, type ExperimentRecord } from "../../src/experiment/index.js";
import { decodeHparamsPluginData, EXPERIMENT_FILE, readEvents } from "../../src/tensorboard/index.js";
import { HPARAM_METRICS } from "../../src/train/hparams.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-experiment-"));
const logdir = join(dir, "runs");

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// A tiny base, relative to the experiment files: every cell trains one step.
write(
  "base.yaml",
  "seed: 1\ndata: { trainLimit: 128, testLimit: 32 }\nmodel: { variant: ae, recon: mse, encoder: { hidden: [32] }, decoder: { hidden: [32] }, latent: { size: 4 } }\ntrain: { epochs: 1 }\nlog: { images: 8 }\n",
);
const TINY = `name: tiny
description: a 2x2 grid
base: base.yaml
set:
  train.epochs: 1
axes:
  loss:
    ae-mse: { model.variant: ae, model.recon: mse }
    vae-bce: { model.variant: vae, model.recon: bce }
  seed: [1, 2]
`;
const tiny = write("tiny.yaml", TINY);
const tinyDir = join(logdir, "tiny");
const CELLS = ["ae-mse/seed-1", "ae-mse/seed-2", "vae-bce/seed-1", "vae-bce/seed-2"];
const record = (cell: string) => JSON.parse(readFileSync(join(tinyDir, cell, "run.json"), "utf8"));
const eventFiles = (cell: string) => readdirSync(join(tinyDir, cell)).filter((f) => f.includes("tfevents"));

describe("aelab experiment", () => {
  it("--dry-run prints every cell with its overrides and runs nothing", () => {
    const run = aelab("experiment", tiny, "--logdir", logdir, "--dry-run");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`experiment tiny (${tiny}): 4 cells of loss (ae-mse, vae-bce) x seed (1, 2), runs in ${tinyDir}`);
    expect(lines[1]).toBe(`base ${join(dir, "base.yaml")}; every cell: train.epochs=1`);
    expect(lines[4]).toMatch(/^ {2}vae-bce\/seed-1 +model\.variant=vae model\.recon=bce seed=1 +\[new run\]$/);
    expect(lines.filter((l) => l.startsWith("  "))).toHaveLength(4);
    expect(existsSync(logdir)).toBe(false);
  });

  it("runs a 2x2 grid two cells at a time, records the experiment and its hparams, then writes the report", () => {
    const run = aelab("experiment", tiny, "--logdir", logdir, "--workers", "2");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`report: ${join(tinyDir, "report.md")}`);
    expect(readFileSync(join(tinyDir, "report.md"), "utf8")).toContain("## Claims and verdicts");
    expect(run.stdout).toMatch(/^experiment tiny: 4 cells of loss \(2\) x seed \(2\): 4 new; 2 at a time/);
    for (const cell of CELLS) {
      expect(run.stdout).toContain(`start   ${cell}: new run; log: ${join(tinyDir, "logs", `${cell}.log`)}`);
      expect(run.stdout).toMatch(new RegExp(`done    ${cell}: completed in \\d+ s \\(\\d/4 done`));
      expect(record(cell)).toMatchObject({ name: cell, status: "completed" });
      expect(readFileSync(join(tinyDir, "logs", `${cell}.log`), "utf8")).toMatch(/done: 1 steps/);
    }
    expect(run.stdout).toContain("4 cells: 4 completed (0 skipped, 0 resumed)");
    expect(readFileSync(join(tinyDir, "vae-bce/seed-2", "config.yaml"), "utf8")).toMatch(/seed: 2[\s\S]*variant: vae[\s\S]*recon: bce/);
    // Every cell released its lock.
    expect(readdirSync(join(tinyDir, LOCKS_DIR), { recursive: true }).filter((f) => String(f).endsWith(".lock"))).toEqual([]);

    const experiment = JSON.parse(readFileSync(join(tinyDir, "experiment.json"), "utf8")) as ExperimentRecord;
    expect(experiment).toMatchObject({ name: "tiny", description: "a 2x2 grid", base: "base.yaml", aelabVersion: "0.1.0", excluded: [] });
    expect(experiment.axes.map((a) => a.name)).toEqual(["loss", "seed"]);
    expect(experiment.cells.map((c) => c.name)).toEqual(CELLS);
    expect(experiment.cells[2]).toMatchObject({
      dir: "vae-bce/seed-1",
      log: "logs/vae-bce/seed-1.log",
      levels: { loss: "vae-bce", seed: "1" },
      overrides: { "train.epochs": 1, "model.variant": "vae", "model.recon": "bce", seed: 1 },
    });

    const events = readEvents(readFileSync(join(tinyDir, EXPERIMENT_FILE)));
    const value = events.flatMap((e) => e.summary?.value ?? []).find((v) => v.tag === "_hparams_/experiment")!;
    const data = decodeHparamsPluginData(value.metadata!.pluginData!.content!);
    const infos = data.experiment!.hparamInfos!;
    expect(infos.map((h) => h.name)).toEqual(expect.arrayContaining(["variant", "recon", "adversarial_weight", "binarize", "seed", "lr"]));
    expect(infos.find((h) => h.name === "variant")!.domainDiscrete!.values).toEqual([{ stringValue: "ae" }, { stringValue: "vae" }]);
    expect(infos.find((h) => h.name === "seed")!.domainDiscrete!.values).toEqual([{ numberValue: 1 }, { numberValue: 2 }]);
    expect(data.experiment!.metricInfos!.map((m) => m.name.tag)).toEqual([...HPARAM_METRICS]);
  });

  it("skips every completed cell when run again, training nothing", () => {
    const run = aelab("experiment", tiny, "--logdir", logdir, "--workers", "2", "--no-report");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const cell of CELLS) {
      expect(run.stdout).toContain(`skip    ${cell}: completed with this config`);
      expect(eventFiles(cell)).toHaveLength(1);
    }
    expect(run.stdout).not.toMatch(/^start/m);
    expect(run.stdout).toContain("4 cells: 4 completed (4 skipped, 0 resumed)");
  });

  it("reports a failed report step in one line through the API, and the report's path when it works", async () => {
    const experiment = loadExperiment(tiny, { logdir });
    const lines: string[] = [];
    const failing = startExperiment(experiment, {
      workers: 1,
      force: false,
      report: true,
      log: (line) => lines.push(line),
      writeReport: async () => {
        throw new Error("cannot plot: no metrics\n    at plot (report.ts:1)");
      },
    });
    expect((await failing.done).report).toEqual({ error: "cannot plot: no metrics" });
    const working = startExperiment(experiment, {
      workers: 1,
      force: false,
      report: true,
      log: (line) => lines.push(line),
      writeReport: async (d) => ({ reportPath: join(d, "report.md") }),
    });
    expect((await working.done).report).toEqual({ path: join(tinyDir, "report.md") });
    expect(lines).toContain(`report: ${join(tinyDir, "report.md")}`);
  });

  it("moves a failed cell aside and runs it anew", () => {
    const runJson = join(tinyDir, "ae-mse/seed-2", "run.json");
    writeFileSync(runJson, JSON.stringify({ ...record("ae-mse/seed-2"), status: "failed", error: "boom" }));
    const run = aelab("experiment", tiny, "--logdir", logdir, "--no-report");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const aside = join(tinyDir, "ae-mse/seed-2.failed-1");
    expect(run.stdout).toContain(`start   ae-mse/seed-2: new run; old folder moved to ${aside}`);
    expect(JSON.parse(readFileSync(join(aside, "run.json"), "utf8")).error).toBe("boom");
    expect(record("ae-mse/seed-2").status).toBe("completed");
    expect(run.stdout.match(/^skip/gm)).toHaveLength(3);
  });

  it("refuses a cell run with another config in one line, and --force re-runs it after moving the old folder aside", () => {
    const changed = write("tiny-changed.yaml", TINY.replace("seed: [1, 2]", "seed: [1]").replace("train.epochs: 1", "train.epochs: 2"));
    const refused = aelab("experiment", changed, "--logdir", logdir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `aelab: cell ae-mse/seed-1 (${join(tinyDir, "ae-mse/seed-1")}) was run with another config: train.epochs was 1, the experiment now gives 2 (and 1 more cells); ` +
        "restore the experiment file, or pass --force to re-run such cells (the old folders are kept as <cell>.old-<n>)",
    );
    const forced = aelab("experiment", changed, "--logdir", logdir, "--force", "--workers", "2", "--no-report");
    expect(forced.stderr).toBe("");
    expect(forced.status).toBe(0);
    expect(JSON.parse(readFileSync(join(tinyDir, "ae-mse/seed-1.old-1", "run.json"), "utf8")).steps).toBe(1);
    expect(record("ae-mse/seed-1")).toMatchObject({ status: "completed", steps: 2 });
  });

  it("notes a cell that fails, runs the others, and ends non-zero naming the failed cell and its log", () => {
    const broken = write(
      "broken.yaml",
      `name: broken\nbase: base.yaml\naxes:\n  data:\n    missing: { data.source: ${join(dir, "no-such-folder")} }\n    mnist: { data.source: mnist }\n`,
    );
    const run = aelab("experiment", broken, "--logdir", logdir);
    const log = join(logdir, "broken", "logs", "missing.log");
    expect(run.stdout).toMatch(new RegExp(`FAILED  missing after \\d+ s \\(exit code 2\\): aelab: .*no-such-folder.*; log: ${log}`));
    expect(run.stdout).toMatch(/done {4}mnist: completed/);
    expect(run.stdout).toContain(`  failed: missing: aelab: `);
    expect(run.stdout).toContain(`(log: ${log})`);
    // One line, and no report is attempted over a failed cell.
    expect(run.stderr).toBe("aelab: 1 of 2 cells failed (listed above with their logs); running the command again re-runs them and skips the rest");
    expect(run.status).toBe(1);
  });

  it("forwards Ctrl-C to the running cells, starts no more, and resumes the stopped cell when run again", async () => {
    const slow = write(
      "slow.yaml",
      "name: slow\nbase: base.yaml\nset:\n  data.trainLimit: 2560\n  train.epochs: 2\n  log.every: 5\n  model.encoder.hidden: [512, 256]\n  model.decoder.hidden: [256, 512]\naxes:\n  seed: [1, 2]\n",
    );
    const slowDir = join(logdir, "slow");
    // Its own process group, like a command in a terminal, so the SIGINT below reaches the group as a Ctrl-C would.
    const child = spawn(process.execPath, ["bin/aelab.js", "experiment", slow, "--logdir", logdir], { env: { ...process.env, CI: "true" }, detached: true });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const cellLog = join(slowDir, "logs", "seed-1.log");
    for (let waited = 0; !(existsSync(cellLog) && /step 10:/.test(readFileSync(cellLog, "utf8"))); waited += 50) {
      if (waited > 60_000) {
        process.kill(-child.pid!, "SIGINT");
        throw new Error(`the first cell never logged step 10:\n${stdout}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The cells are not in that group: each gets exactly one SIGINT, forwarded (a second would skip their checkpoint).
    process.kill(-child.pid!, "SIGINT");
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/stopping: 1 running cell stop after the current step/);
    expect(stdout).toMatch(/stopped seed-1 after \d+ s: interrupted/);
    expect(stdout).toContain("1 not started");
    expect(stdout).toContain(`continue with: aelab experiment ${slow} --logdir ${logdir}`);
    const stopped = JSON.parse(readFileSync(join(slowDir, "seed-1", "run.json"), "utf8"));
    expect(stopped.status).toBe("interrupted");
    expect(stopped.steps).toBeLessThan(40);
    expect(existsSync(join(slowDir, "seed-2"))).toBe(false);

    const again = aelab("experiment", slow, "--logdir", logdir, "--no-report");
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("start   seed-1: resume (interrupted)");
    expect(again.stdout).toContain("start   seed-2: new run");
    expect(again.stdout).toContain("2 cells: 2 completed (0 skipped, 1 resumed)");
    const resumed = JSON.parse(readFileSync(join(slowDir, "seed-1", "run.json"), "utf8"));
    expect(resumed).toMatchObject({ status: "completed", steps: 40 });
    expect(resumed.resumedAt).toHaveLength(1);
  });
});
