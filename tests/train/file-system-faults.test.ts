import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFolder } from "../data/idx-fixtures.js";
import { readEvents } from "../../src/tensorboard/index.js";
import { loadRun } from "../../src/train/load-run.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-fs-faults-"));
const faults = join(import.meta.dirname, "../helpers/fs-faults.mjs");
// As root, chmod does not stop a write or a read: inject the errno the real call would get instead.
const isRoot = process.getuid?.() === 0;

const config = join(dir, "tiny.yaml");
writeFileSync(
  config,
  [
    "seed: 1",
    "data: { source: mnist, trainLimit: 256, testLimit: 64 }",
    "model: { variant: ae, recon: mse, encoder: { type: mlp, hidden: [16] }, decoder: { type: mlp, hidden: [16] }, latent: { size: 2 } }",
    "train: { epochs: 3, batchSize: 64, lr: 0.001, checkpointEvery: 1 }",
    "log: { every: 1, images: 4, flushSeconds: 0.05 }",
    "",
  ].join("\n"),
);

interface Fault {
  code: string;
  calls: string[];
  match: string;
  armedBy?: string;
}

function aelab(args: string[], fault?: Fault) {
  const run = spawnSync(process.execPath, ["--import", faults, "bin/aelab.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", AELAB_FS_FAULT: fault ? JSON.stringify(fault) : "" },
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr.trim() };
}

function eventsFile(runDir: string): string {
  const name = readdirSync(runDir).find((f) => f.startsWith("events.out.tfevents."));
  if (!name) throw new Error(`no events file in ${runDir}`);
  return join(runDir, name);
}

function runRecord(runDir: string): { status: string; error?: string } {
  return JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as { status: string; error?: string };
}

describe("file-system faults end in one line naming the path and what to do", () => {
  it("a read-only logdir", () => {
    const parent = join(dir, "read-only");
    mkdirSync(parent);
    const logdir = join(parent, "runs");
    if (!isRoot) chmodSync(parent, 0o555);
    const run = aelab(["train", config, "--logdir", logdir], isRoot ? { code: "EROFS", calls: ["mkdirSync"], match: logdir } : undefined);
    if (!isRoot) chmodSync(parent, 0o755);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(logdir);
    expect(run.stderr).toMatch(/^aelab: cannot write .*(read-only|permission denied).*choose a writable folder|another folder \(--logdir\)/);
    expect(existsSync(logdir)).toBe(false);
  });

  it("a full disk at start", () => {
    const logdir = join(dir, "full-at-start");
    const run = aelab(["train", config, "--logdir", logdir], { code: "ENOSPC", calls: ["writeFileSync"], match: "config.yaml" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `aelab: cannot write ${join(logdir, "tiny", "config.yaml")}: no space left on the device (ENOSPC); free some space (the last checkpoint is kept; continue with aelab train --resume <run folder>)`,
    );
  });

  it("a full disk when the events file is created: run.json says failed", () => {
    const logdir = join(dir, "full-events-open");
    const runDir = join(logdir, "tiny");
    const run = aelab(["train", config, "--logdir", logdir], { code: "ENOSPC", calls: ["openSync"], match: "events.out" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^aelab: cannot write ${runDir}/events\\.out\\.tfevents\\.[^ ]+: no space left on the device \\(ENOSPC\\)`));
    expect(runRecord(runDir)).toMatchObject({ status: "failed", error: expect.stringContaining("no space left") as unknown });
  });

  it("a full disk mid-run: the events file reads to its last complete record, the checkpoint loads, run.json says failed", async () => {
    const logdir = join(dir, "full-events");
    const runDir = join(logdir, "tiny");
    const run = aelab(["train", config, "--logdir", logdir], {
      code: "ENOSPC",
      calls: ["writeSync"],
      match: "events.out",
      armedBy: join(runDir, "checkpoint", "state.json"),
    });
    expect(run.status).toBe(2);
    const events = eventsFile(runDir);
    expect(run.stderr).toMatch(new RegExp(`^aelab: cannot write ${events.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: no space left on the device \\(ENOSPC\\)`));
    expect(run.stderr.split("\n")).toHaveLength(1);
    const read = readEvents(readFileSync(events));
    // The short write cut the last record in half; every record before it is intact.
    expect(read.truncated).toBe(true);
    expect(read.length).toBeGreaterThan(1);
    expect(runRecord(runDir)).toMatchObject({ status: "failed", error: expect.stringContaining("no space left") as unknown });
    const loaded = await loadRun(runDir);
    expect(loaded.checkpoint.epoch).toBeGreaterThanOrEqual(1);
    loaded.variant.dispose();
  });

  it("a full disk mid-checkpoint keeps the previous checkpoint", async () => {
    const logdir = join(dir, "full-checkpoint");
    const runDir = join(logdir, "tiny");
    const run = aelab(["train", config, "--logdir", logdir], {
      code: "ENOSPC",
      calls: ["handle.writeFile", "handle.write"],
      match: "checkpoint.tmp-",
      armedBy: join(runDir, "checkpoint", "state.json"),
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `aelab: cannot write ${join(runDir, "checkpoint")}: no space left on the device (ENOSPC); free some space (the last checkpoint is kept; continue with aelab train --resume <run folder>)`,
    );
    expect(runRecord(runDir)).toMatchObject({ status: "failed", error: expect.stringContaining("no space left") as unknown });
    const read = readEvents(readFileSync(eventsFile(runDir)));
    expect(read.truncated).toBe(false);
    const loaded = await loadRun(runDir);
    // The first epoch's checkpoint (256 images in batches of 64); the failed save of the second left no trace.
    expect(loaded.checkpoint.step).toBe(4);
    expect(readdirSync(runDir).filter((f) => f.startsWith("checkpoint.tmp-"))).toEqual([]);
    loaded.variant.dispose();
  });

  it("a run folder deleted under a running run", async () => {
    const logdir = join(dir, "deleted");
    const runDir = join(logdir, "tiny");
    const child = spawn(process.execPath, ["bin/aelab.js", "train", config, "--logdir", logdir, "--set", "train.epochs=200"], {
      env: { ...process.env, CI: "true" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!existsSync(join(runDir, "checkpoint", "state.json"))) await new Promise((r) => setTimeout(r, 50));
    // A recursive delete races the run's own writes (a file made meanwhile: ENOTEMPTY): delete again
    // until the folder is gone, as a user's rm -rf would be repeated.
    for (let tries = 0; existsSync(runDir); tries++) {
      try {
        rmSync(runDir, { recursive: true, force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOTEMPTY" || tries > 200) throw err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 30_000))]);
    if (code === "still running") child.kill("SIGKILL");
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^aelab: cannot write .*: it no longer exists \(was its folder deleted while the run was writing to it\?\) \(ENOENT\); start the run again/,
    );
    expect(stderr).toContain(runDir);
  });

  it("permission denied on a data file", () => {
    const data = writeFolder({ train: { count: 64 }, test: { count: 16 } });
    const images = join(data, "train-images-idx3-ubyte");
    if (!isRoot) chmodSync(images, 0o000);
    const run = aelab(
      ["train", config, "--logdir", join(dir, "no-read"), "--set", `data.source=${data}`],
      isRoot ? { code: "EACCES", calls: ["readFileSync"], match: images } : undefined,
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`aelab: ${images}: permission denied (EACCES); make it readable (chmod u+r) or run as its owner`);
  });
});
