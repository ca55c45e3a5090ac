import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventFileWriter, flushAllSync, installExitFlush, openWriterCount, readEvents } from "../../src/tensorboard/index.js";
import { decodeRawEvent, parseFraming } from "./independent-decoder.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "aelab-tb-exit-"));
const root = new URL("../..", import.meta.url).pathname;
const entry = new URL("../../src/tensorboard/index.ts", import.meta.url).pathname;
const interrupt = new URL("../../src/cli/interrupt.ts", import.meta.url).pathname;
const nodeArgs = (script: string) => ["--import", "tsx", "--input-type=module", "-e", script];

function tags(path: string): string[] {
  return parseFraming(readFileSync(path)).map((r) => {
    const e = decodeRawEvent(r.data);
    return e.file_version ?? e.summary!.value[0]!.tag;
  });
}

function onlyFile(dir: string): string {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
}

/** Runs a module script in a child node that has `EventFileWriter`, `installExitFlush` and `dir`. */
function runChild(dir: string, body: string) {
  const script = `const { EventFileWriter, installExitFlush, flushAllSync } = await import(${JSON.stringify(entry)});
    const dir = ${JSON.stringify(dir)};
    ${body}`;
  return spawnSync(process.execPath, nodeArgs(script), { cwd: root, encoding: "utf8", timeout: 20_000 });
}

const LOG_FIVE = `const w = new EventFileWriter(dir);
  w.scalar("a", 1, 1);
  w.text("t", "x", 1);
  w.histogram("h", [1, 2], 1);
  w.hparams({ hparams: { lr: 1 } });
  w.hparamsEnd("failure");`;
const FIVE = ["brain.Event:2", "a", "t", "h", "_hparams_/session_start_info", "_hparams_/session_end_info"];

describe("flushAllSync", () => {
  it("writes the ready records of every open writer, keeping an encoding image's place", async () => {
    const a = new EventFileWriter(tempDir());
    const b = new EventFileWriter(tempDir());
    const opened = openWriterCount();
    a.scalar("before", 1, 1);
    const pixels = new Float32Array(64 * 28 * 28).fill(0.5);
    const pending = a.images("img", { pixels, count: 64, height: 28, width: 28, channels: 1 }, 1);
    a.scalar("after", 1, 1);
    b.text("notes", "hello", 0);
    const results = flushAllSync();
    expect(results.filter((r) => r.path === a.path || r.path === b.path)).toEqual([
      { path: a.path, records: 1 },
      { path: b.path, records: 1 },
    ]);
    // Synchronously on disk, in call order; "after" waits behind the image still encoding.
    expect(tags(a.path)).toEqual(["brain.Event:2", "before"]);
    expect(tags(b.path)).toEqual(["brain.Event:2", "notes"]);
    await pending;
    expect(flushAllSync().find((r) => r.path === a.path)).toEqual({ path: a.path, records: 2 });
    expect(tags(a.path)).toEqual(["brain.Event:2", "before", "img", "after"]);
    await a.flush(); // nothing left: the async path finds the queue already written
    await Promise.all([a.close(), b.close()]);
    expect(tags(a.path)).toEqual(["brain.Event:2", "before", "img", "after"]);
    expect(openWriterCount()).toBe(opened - 2);
    expect(flushAllSync().some((r) => r.path === a.path)).toBe(false);
  });

  it("reports a writer whose write fails and still flushes the others", async () => {
    const broken = new EventFileWriter(tempDir());
    const fine = new EventFileWriter(tempDir());
    broken.scalar("a", 1, 1);
    fine.scalar("b", 1, 1);
    closeSync((broken as unknown as { fd: number }).fd);
    const results = flushAllSync();
    const bad = results.find((r) => r.path === broken.path)!;
    expect(bad.records).toBe(0);
    expect(bad.error?.message).toMatch(/EBADF/);
    expect(results.find((r) => r.path === fine.path)).toEqual({ path: fine.path, records: 1 });
    expect(() => broken.scalar("a", 2, 2)).toThrow(/an earlier write failed/);
    await expect(broken.close()).rejects.toThrow();
    await fine.close();
    expect(tags(fine.path)).toEqual(["brain.Event:2", "b"]);
  });
});

describe("installExitFlush", () => {
  it("is idempotent and removes its listeners when disposed", () => {
    const counts = () => ["exit", "uncaughtExceptionMonitor", "SIGINT", "SIGTERM"].map((e) => process.listenerCount(e));
    const before = counts();
    const dispose = installExitFlush();
    expect(installExitFlush()).toBe(dispose);
    expect(counts()).toEqual(before.map((n) => n + 1));
    dispose();
    expect(counts()).toEqual(before);
  });

  it("without the hook, process.exit() loses the queue (the control case)", () => {
    const dir = tempDir();
    const child = runChild(dir, `${LOG_FIVE}\nprocess.exit(3);`);
    expect(child.status).toBe(3);
    expect(tags(onlyFile(dir))).toEqual(["brain.Event:2"]);
  });

  it("writes every queued record on process.exit()", () => {
    const dir = tempDir();
    const child = runChild(dir, `installExitFlush();\n${LOG_FIVE}\nprocess.exit(3);`);
    expect(child.stderr).toBe("");
    expect(child.status).toBe(3);
    expect(tags(onlyFile(dir))).toEqual(FIVE);
  });

  it("writes them when an uncaught error crashes the process, which still crashes", () => {
    const dir = tempDir();
    const child = runChild(dir, `installExitFlush();\n${LOG_FIVE}\nsetTimeout(() => { throw new Error("boom in training"); }, 0);`);
    expect(child.status).toBe(1);
    expect(child.stderr).toContain("boom in training");
    expect(tags(onlyFile(dir))).toEqual(FIVE);
  });

  it("writes them on an unhandled rejection", () => {
    const dir = tempDir();
    const child = runChild(dir, `installExitFlush();\n${LOG_FIVE}\nPromise.reject(new Error("rejected in training"));`);
    expect(child.status).toBe(1);
    expect(child.stderr).toContain("rejected in training");
    expect(tags(onlyFile(dir))).toEqual(FIVE);
  });

  it("at exit drops an image still encoding but writes the records after it", () => {
    const dir = tempDir();
    const child = runChild(
      dir,
      `installExitFlush();
       const w = new EventFileWriter(dir);
       w.scalar("before", 1, 1);
       w.images("img", { pixels: new Float32Array(64 * 784).fill(0.5), count: 64, height: 28, width: 28, channels: 1 }, 1).catch(() => {});
       w.scalar("after", 1, 1);
       process.exit(0);`,
    );
    expect(child.status).toBe(0);
    expect(tags(onlyFile(dir))).toEqual(["brain.Event:2", "before", "after"]);
  });

  it("on SIGTERM with no other handler, flushes and still dies of the signal", async () => {
    const dir = tempDir();
    const script = `const { EventFileWriter, installExitFlush } = await import(${JSON.stringify(entry)});
      installExitFlush();
      const w = new EventFileWriter(${JSON.stringify(dir)});
      w.scalar("a", 1, 1);
      w.scalar("a", 2, 2);
      setInterval(() => {}, 1000);
      console.log("ready");`;
    const child = spawn(process.execPath, nodeArgs(script), { cwd: root });
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on("exit", (code, signal) => resolve([code, signal])));
    child.kill("SIGTERM");
    expect(await exited).toEqual([null, "SIGTERM"]);
    expect(tags(onlyFile(dir))).toEqual(["brain.Event:2", "a", "a"]);
  });

  it("on SIGINT with the CLI's own handler, flushes before it and leaves the decision to it", async () => {
    const dir = tempDir();
    const script = `const { EventFileWriter, installExitFlush } = await import(${JSON.stringify(entry)});
      const { stopOnSignals } = await import(${JSON.stringify(interrupt)});
      const { statSync } = await import("node:fs");
      installExitFlush();
      const w = new EventFileWriter(${JSON.stringify(dir)});
      w.scalar("a", 1, 1);
      w.text("t", "x", 1);
      const keepAlive = setInterval(() => {}, 1000);
      const stop = stopOnSignals(() => {
        console.log("size at SIGINT " + statSync(w.path).size);
        stop.dispose();
        clearInterval(keepAlive);
      });
      console.log("ready");`;
    const child = spawn(process.execPath, nodeArgs(script), { cwd: root });
    let stdout = "";
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("ready")) resolve();
      }),
    );
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on("exit", (code, signal) => resolve([code, signal])));
    child.kill("SIGINT");
    expect(await exited).toEqual([0, null]); // the handler ended it, not the hook
    const path = onlyFile(dir);
    expect(tags(path)).toEqual(["brain.Event:2", "a", "t"]);
    // Already on disk when the CLI's handler ran, i.e. written by the hook, not at exit.
    expect(stdout).toContain(`size at SIGINT ${readFileSync(path).length}`);
  });
});

describe("a writer killed with SIGKILL", () => {
  it("leaves a file readable up to its last flushed record and beyond", async () => {
    const dir = tempDir();
    const script = `const { EventFileWriter } = await import(${JSON.stringify(entry)});
      const w = new EventFileWriter(${JSON.stringify(dir)}, { flushSeconds: 0.005 });
      for (let i = 0; i < 20; i++) w.scalar("flushed", i / 10, i);
      w.text("notes", "flushed", 0);
      await w.flush();
      console.log("flushed");
      let step = 0;
      setInterval(() => {
        for (let k = 0; k < 50; k++, step++) {
          w.scalar("later", step, step);
          w.histogram("later/h", Array.from({ length: 200 }, (_, i) => i * step), step);
          w.text("later/text", "y".repeat(2000), step);
        }
      }, 1);`;
    const child = spawn(process.execPath, nodeArgs(script), { cwd: root });
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("flushed") && resolve()));
    await new Promise((r) => setTimeout(r, 300)); // let it write (and flush) a while longer
    const exited = new Promise<string | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const file = readFileSync(onlyFile(dir));
    const events = readEvents(file); // never throws: only a cut-off last record is possible
    expect(events.length).toBeGreaterThanOrEqual(22);
    expect(events.slice(1, 21).map((e) => [e.summary!.value[0]!.tag, e.step, e.summary!.value[0]!.simpleValue])).toEqual(
      Array.from({ length: 20 }, (_, i) => ["flushed", i, Math.fround(i / 10)]),
    );
    expect(events[21]!.summary!.value[0]!.tag).toBe("notes");
    // Whatever came after is whole, in order, steps never going back within a tag.
    const lastStep = new Map<string, number>();
    for (const e of events.slice(22)) {
      const tag = e.summary!.value[0]!.tag;
      expect(e.step!).toBeGreaterThanOrEqual(lastStep.get(tag) ?? 0);
      lastStep.set(tag, e.step!);
    }
    expect(parseFraming(file.subarray(0, events.bytesRead))).toHaveLength(events.length);
  });
});
