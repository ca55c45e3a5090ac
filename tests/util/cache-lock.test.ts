import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withCacheLock } from "../../src/util/cache-lock.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withCacheLock", () => {
  it("waits while another process holds the entry's lock, then runs and removes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-lock-"));
    const lock = join(dir, "mnist-abc.lock");
    // Another process takes the lock for a moment, as a worker training the classifier would.
    const holder = spawn(process.execPath, [
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(lock)}, JSON.stringify({ pid: process.pid }), { flag: "wx" }); setTimeout(() => require("fs").rmSync(${JSON.stringify(lock)}), 800);`,
    ]);
    const ended = new Promise((resolve) => holder.on("exit", resolve));
    while (!existsSync(lock)) await sleep(20);
    const lines: string[] = [];
    const started = Date.now();
    let waited = 0;
    const result = await withCacheLock(
      dir,
      "mnist-abc",
      async () => {
        waited = Date.now() - started;
        return 42;
      },
      (line) => lines.push(line),
    );
    await ended;
    expect(result).toBe(42);
    // The holder keeps it 800 ms from taking it; a little of that passed before this call.
    expect(waited).toBeGreaterThan(500);
    expect(lines).toEqual([`waiting for process ${holder.pid}, which is preparing ${join(dir, "mnist-abc")}`]);
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock left by a process that is gone, and queues calls of this process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-lock-"));
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(dir, "k.lock"), JSON.stringify({ pid: Number(gone) }));
    const order: string[] = [];
    const slow = withCacheLock(dir, "k", async () => {
      order.push("a start");
      await sleep(100);
      order.push("a end");
    });
    const fast = withCacheLock(dir, "k", async () => {
      order.push("b");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["a start", "a end", "b"]);
    expect(existsSync(join(dir, "k.lock"))).toBe(false);
  });

  it("releases the lock when the work fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-lock-"));
    await expect(withCacheLock(dir, "k", async () => Promise.reject(new Error("training failed")))).rejects.toThrow("training failed");
    expect(existsSync(join(dir, "k.lock"))).toBe(false);
  });
});
