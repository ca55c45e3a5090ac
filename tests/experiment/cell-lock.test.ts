import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cellLockPath, holderAlive, lockCell, type CellLock } from "../../src/experiment/index.js";

const root = mkdtempSync(join(tmpdir(), "aelab-cell-lock-"));
const holderScript = [process.execPath, "--import", "tsx", join(import.meta.dirname, "../helpers/hold-cell-lock.ts")];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Starts a process that takes the lock and holds it; resolves once it says it has it. */
function holdInAnotherProcess(dir: string, cell: string): Promise<ChildProcess> {
  const child = spawn(holderScript[0], [...holderScript.slice(1), dir, cell], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (data: Buffer) => (String(data).startsWith("locked") ? resolve(child) : reject(new Error(String(data)))));
    child.once("exit", (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

function writeLock(dir: string, cell: string, holder: object): void {
  const path = cellLockPath(dir, cell);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(holder));
}

const owned = (taken: ReturnType<typeof lockCell>): CellLock => {
  if (!("release" in taken)) throw new Error(`expected the lock, held by ${taken.heldBy.host} pid ${taken.heldBy.pid}`);
  return taken;
};

describe("a cell's lock", () => {
  it("refuses a second process while the first holds it, and is taken over once the first is killed", async () => {
    const dir = join(root, "two-processes");
    const first = await holdInAnotherProcess(dir, "ae/seed-1");
    const refused = lockCell(dir, "ae/seed-1");
    expect(refused).toMatchObject({ heldBy: { pid: first.pid } });
    // A third process is refused the same way (the check is not about this process).
    const third = spawnSync(holderScript[0], [...holderScript.slice(1), dir, "ae/seed-1"], { encoding: "utf8" });
    expect(third.stdout.trim()).toBe(`held by ${first.pid}`);
    expect(third.status).toBe(3);
    // Another cell of the same experiment is free.
    owned(lockCell(dir, "ae/seed-2")).release();

    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const lock = owned(lockCell(dir, "ae/seed-1"));
    expect(JSON.parse(readFileSync(cellLockPath(dir, "ae/seed-1"), "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(() => readFileSync(cellLockPath(dir, "ae/seed-1"))).toThrow();
  });

  it("takes over a lock left by a dead pid on this host at once", () => {
    const dir = join(root, "dead-pid");
    const now = new Date().toISOString();
    // A pid far above any pid_max: nobody holds it.
    writeLock(dir, "c", { host: hostname(), pid: 2 ** 30, startedAt: now, heartbeatAt: now });
    owned(lockCell(dir, "c")).release();
  });

  it("trusts another host's lock while its heartbeat is fresh and takes it over once it is older than staleAfterMs", () => {
    const dir = join(root, "other-host");
    const at = Date.parse("2026-12-07T10:00:00Z");
    const holder = { host: "node-17.cluster", pid: 4242, startedAt: new Date(at - 60_000).toISOString(), heartbeatAt: new Date(at).toISOString() };
    writeLock(dir, "c", holder);
    const timing = (ms: number) => ({ now: () => at + ms, staleAfterMs: 120_000 });
    expect(holderAlive(holder, timing(119_000))).toBe(true);
    expect(lockCell(dir, "c", timing(119_000))).toMatchObject({ heldBy: { host: "node-17.cluster", pid: 4242 } });
    expect(holderAlive(holder, timing(121_000))).toBe(false);
    const lock = owned(lockCell(dir, "c", timing(121_000)));
    expect(lock.holder.host).not.toBe("node-17.cluster");
    lock.release();
  });

  it("moves its heartbeat forward, and a holder judged dead and replaced neither heartbeats nor releases the new holder's lock", () => {
    const dir = join(root, "heartbeat");
    let clock = Date.parse("2026-12-07T10:00:00Z");
    const timing = { now: () => clock, staleAfterMs: 120_000 };
    const first = owned(lockCell(dir, "c", timing));
    clock += 30_000;
    expect(first.heartbeat()).toBe(true);
    expect(JSON.parse(readFileSync(cellLockPath(dir, "c"), "utf8")).heartbeatAt).toBe("2026-12-07T10:00:30.000Z");
    // Still fresh: a second runner (same process here, so only the heartbeat decides) is refused.
    clock += 60_000;
    expect(lockCell(dir, "c", timing)).toHaveProperty("heldBy");
    // Silent for longer than staleAfterMs: taken over.
    clock += 200_000;
    const second = owned(lockCell(dir, "c", timing));
    expect(first.heartbeat()).toBe(false);
    first.release();
    expect(JSON.parse(readFileSync(cellLockPath(dir, "c"), "utf8")).startedAt).toBe(second.holder.startedAt);
    second.release();
  });
});
