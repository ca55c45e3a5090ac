import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "aelab-cli-"));

function aelab(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aelab.js", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
}

describe("aelab CLI", () => {
  it("prints help for each command", () => {
    const top = aelab("--help");
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/aelab train \[config\]/);
    expect(top.stdout).toMatch(/aelab info/);
    const train = aelab("train", "--help");
    expect(train.stdout).toMatch(/--set/);
    expect(train.stdout).toMatch(/--backend/);
  });

  it("rejects a bad config with one line naming the file and the key, and creates no run", () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, "model:\n  variant: vae\n  latent: { size: 0 }\n");
    const logdir = join(dir, "runs");
    const run = aelab("train", config, "--logdir", logdir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`aelab: config error in ${config}: model.latent.size must be > 0 (got 0)`);
    expect(() => readdirSync(logdir)).toThrow();
  });

  it("rejects a missing data folder with one line naming it", () => {
    const run = aelab("train", "configs/ae-mse.yaml", "--set", `data.source=${join(dir, "no-such-folder")}`, "--logdir", join(dir, "runs2"));
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(join(dir, "no-such-folder"));
  });

  it("rejects an unknown command and an unavailable backend in one line", () => {
    const unknown = aelab("trian");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.split("\n")).toHaveLength(1);
    const backend = aelab("info", "--backend", "tensorflow");
    expect(backend.status).toBe(2);
    expect(backend.stderr).toMatch(/^aelab: backend 'tensorflow' is not available/);
    expect(backend.stderr.split("\n")).toHaveLength(1);
  });

  it("info names the backend it picked", () => {
    const info = aelab("info");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/wasm/);
  });
});

describe("Ctrl-C during training", () => {
  it("stops after the current step, keeps every record, and marks the run interrupted", async () => {
    const { spawn } = await import("node:child_process");
    const { readFileSync } = await import("node:fs");
    const { readEvents } = await import("../../src/tensorboard/index.js");
    const logdir = join(dir, "interrupted");
    const child = spawn(
      process.execPath,
      ["bin/aelab.js", "train", "configs/ae-mse.yaml", "--logdir", logdir, "--set", "train.epochs=2", "--set", "log.every=5", "--set", "data.trainLimit=2560"],
      { env: { ...process.env, CI: "true" } },
    );
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        // Interrupt once training has logged a few steps.
        if (/step 10:/.test(stdout)) resolve();
      }),
    );
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/SIGINT: stopping after this step/);
    expect(stdout).toMatch(/interrupted: \d+ steps/);

    const runDir = join(logdir, "ae-mse");
    const record = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    expect(record.status).toBe("interrupted");
    const file = readdirSync(runDir).find((f) => f.includes("tfevents") && !f.endsWith(".aelab-eval"))!;
    const events = readEvents(readFileSync(join(runDir, file)));
    expect(events.truncated).toBe(false);
    const steps = (tag: string) => events.filter((e) => e.summary?.value.some((v) => v.tag === tag)).map((e) => Number(e.step));
    // The interrupted epoch was still evaluated and its images logged, at the step where it stopped.
    expect(steps("test/autoencoder/loss").at(-1)).toBe(record.steps);
    expect(steps("images/reconstruction").at(-1)).toBe(record.steps);
    expect(steps("train/autoencoder/recon").length).toBeGreaterThanOrEqual(2);

    // Resuming finishes the run from its checkpoint, in the same folder, with steps continuing.
    const resumed = aelab("train", "--resume", runDir);
    expect(resumed.status).toBe(0);
    const finished = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    expect(finished).toMatchObject({ status: "completed", steps: 40 });
    expect(finished.resumedAt).toHaveLength(1);
    expect(finished.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    const files = readdirSync(runDir).filter((f) => f.includes("tfevents"));
    expect(files).toHaveLength(2);
    const later = readEvents(readFileSync(join(runDir, files.find((f) => f !== file)!)));
    const firstResumedStep = Math.min(...later.filter((e) => e.summary).map((e) => Number(e.step)));
    expect(firstResumedStep).toBeGreaterThan(record.steps);
    // One HParams session across both files: started by the first part, ended by the resumed one.
    const all = [...events, ...later].flatMap((e) => e.summary?.value ?? []).map((v) => v.tag);
    expect(all.filter((t) => t === "_hparams_/session_start_info")).toHaveLength(1);
    expect(all.filter((t) => t === "_hparams_/session_end_info")).toHaveLength(1);
    expect(later.some((e) => e.summary?.value.some((v) => v.tag === "_hparams_/session_end_info"))).toBe(true);
  });

  it("train needs a config or --resume, and --resume needs a checkpoint", () => {
    const neither = aelab("train");
    expect(neither.status).toBe(2);
    expect(neither.stderr).toBe("aelab: train needs a config file, or --resume <run folder> (not both)");
    const empty = join(dir, "empty-run");
    mkdirSync(empty);
    writeFileSync(join(empty, "config.yaml"), "seed: 1\n");
    const noCheckpoint = aelab("train", "--resume", empty);
    expect(noCheckpoint.status).toBe(2);
    expect(noCheckpoint.stderr).toBe(`aelab: cannot resume ${empty}: it holds no checkpoint (checkpoint/state.json)`);
  });
});

describe("sample and eval", () => {
  it("eval reproduces the run's own final test scalars, and sample writes a PNG grid of prior draws", async () => {
    const { readFileSync } = await import("node:fs");
    const sharp = (await import("sharp")).default;
    const { readEvents } = await import("../../src/tensorboard/index.js");
    const logdir = join(dir, "sample-eval");
    const budget = ["--set", "train.epochs=1", "--set", "data.trainLimit=256", "--set", "data.testLimit=64"];
    expect(aelab("train", "configs/vae-bce.yaml", "--logdir", logdir, ...budget).status).toBe(0);
    const runDir = join(logdir, "vae-bce");

    const evaluated = aelab("eval", runDir, "--json");
    expect(evaluated.status).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    const file = readdirSync(runDir).find((f) => f.includes("tfevents") && !f.endsWith(".aelab-eval"))!;
    const logged = new Map<string, number>();
    for (const e of readEvents(readFileSync(join(runDir, file)))) {
      for (const v of e.summary?.value ?? []) if (v.tag.startsWith("test/") && !v.image) logged.set(v.tag.slice(5), v.simpleValue!);
    }
    expect(result.step).toBe(2);
    for (const tag of ["autoencoder/recon", "autoencoder/kl", "mse", "bce", "l1"]) {
      expect(Math.fround(result.metrics[tag]), tag).toBe(logged.get(tag));
    }
    // The image and feature metrics, in the evaluation feature network, written to an events file of eval's own.
    expect(result.features.featureSpace).toMatchObject({ seed: 2, objective: "classes" });
    for (const value of [result.images.psnr, result.images.msssim, result.images.lfd, result.features.reconstruction.fid, result.features.samples.fid]) {
      expect(Number.isFinite(value)).toBe(true);
    }
    const evalFiles = () => readdirSync(runDir).filter((f) => f.endsWith(".aelab-eval"));
    expect(evalFiles()).toHaveLength(1);
    const evalLogged = new Map<string, number>();
    for (const e of readEvents(readFileSync(join(runDir, evalFiles()[0])))) {
      for (const v of e.summary?.value ?? []) if (v.simpleValue !== undefined) evalLogged.set(`${v.tag}@${Number(e.step)}`, v.simpleValue);
    }
    expect(evalLogged.get("test/rfid@2")).toBe(Math.fround(result.features.reconstruction.fid));
    expect(evalLogged.get("test/msssim@2")).toBe(Math.fround(result.images.msssim));
    expect(evalLogged.get("test/sample_recall@2")).toBe(Math.fround(result.features.samples.recall));
    const table = aelab("eval", runDir);
    expect(table.stdout).toMatch(/autoencoder\/recon\s+\d/);
    expect(table.stdout).toMatch(/rfid\s+\d/);
    // A second eval replaces the first's events file; --no-log writes none.
    expect(evalFiles()).toHaveLength(1);
    expect(aelab("eval", runDir, "--no-log", "--no-features", "--json").status).toBe(0);
    expect(evalFiles()).toHaveLength(1);

    const out = join(dir, "samples.png");
    const sampled = aelab("sample", runDir, "--n", "6", "--out", out);
    expect(sampled.status).toBe(0);
    const meta = await sharp(out).metadata();
    expect(meta.channels).toBe(1);
    // 6 tiles in 3 columns, 28 px each plus padding.
    expect(meta.width).toBeGreaterThan(3 * 28);
    expect(meta.width).toBeLessThan(4 * 28);
    expect(meta.height).toBeGreaterThan(2 * 28);
    expect(meta.height).toBeLessThan(3 * 28);
  });

  it("sample refuses a run without a prior, and both name a missing run in one line", () => {
    const logdir = join(dir, "ae-run");
    expect(
      aelab("train", "configs/ae-mse.yaml", "--logdir", logdir, "--set", "train.epochs=1", "--set", "data.trainLimit=128", "--set", "data.testLimit=32").status,
    ).toBe(0);
    const refused = aelab("sample", join(logdir, "ae-mse"));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`aelab: run ${join(logdir, "ae-mse")} is a ae run: it has no prior to sample from (use a vae, aae, vaegan or vae+gan run)`);
    const missing = aelab("eval", join(dir, "nope"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`aelab: no such run folder: ${join(dir, "nope")}`);
  });
});

describe("resume guards", () => {
  it("refuses --set of a key that would change what the checkpoint means, in one line", () => {
    const logdir = join(dir, "guard");
    expect(
      aelab("train", "configs/ae-mse.yaml", "--logdir", logdir, "--set", "train.epochs=1", "--set", "data.trainLimit=128", "--set", "data.testLimit=32").status,
    ).toBe(0);
    const runDir = join(logdir, "ae-mse");
    const refused = aelab("train", "--resume", runDir, "--set", "train.batchSize=64");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `aelab: config error in ${join(runDir, "config.yaml")}: a resumed run can change only train.epochs, train.checkpointEvery and log.*, not train.batchSize`,
    );
    const extended = aelab("train", "--resume", runDir, "--set", "train.epochs=2", "--set", "log.every=3");
    expect(extended.status).toBe(0);
  });
});
