import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadAddon } from "../../../src/backend/blas/addon.js";

// Every function of the native addon, called directly with arguments no tfjs tensor would give:
// offsets that wrap 64 bits when multiplied, NaN, fractions, numbers past 2^53, misaligned and
// negative offsets, empty and detached heaps, outputs over inputs, and adam's slots rewritten by
// another thread between its checks and its writes. The calls run in a child process
// (tests/helpers/native-hostile-calls.mjs), so that a crash is the child's signal, not vitest's end.

const HELPER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "helpers", "native-hostile-calls.mjs");

interface Result {
  label: string;
  fn: string;
  arg: string;
  allowed: boolean;
  threw: boolean;
  isError: boolean;
  message: string;
}
interface Race {
  label: string;
  race: { ran: number; threw: number; wrong: string[] };
}
type Line = { calling: string } | { done: true } | Result | Race;

const load = loadAddon();
const child = load.ok ? spawnSync(process.execPath, [HELPER, load.path], { encoding: "utf8", timeout: 120_000 }) : undefined;
const lines: Line[] = (child?.stdout ?? "")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Line);
const results = lines.filter((l): l is Result => "threw" in l);
const race = lines.find((l): l is Race => "race" in l);

describe("the native addon with hostile arguments", () => {
  it("runs every call in a child process that exits 0", () => {
    expect(load.ok, load.ok ? "" : `the hostile-argument tests need the addon: ${load.reason}`).toBe(true);
    const calling = lines.filter((l): l is { calling: string } => "calling" in l);
    const last = calling[calling.length - 1]?.calling;
    expect(child?.signal, `the child died during "${last}"\n${child?.stderr}`).toBeNull();
    expect(child?.status, `the child failed during "${last}"\n${child?.stderr}`).toBe(0);
    expect(lines[lines.length - 1]).toEqual({ done: true });
    expect(results.filter((r) => !r.allowed).length).toBeGreaterThan(150);
  });

  it("covers every function the addon exports that takes arguments", () => {
    const covered = new Set(results.map((r) => r.fn));
    const exported = Object.keys(load.ok ? load.addon : {}).filter((name) => name !== "getThreads" && name !== "blasInfo");
    expect([...covered].sort()).toEqual(exported.sort());
  });

  for (const r of results) {
    if (r.allowed) {
      it(`${r.label}: runs`, () => expect(r.threw, r.message).toBe(false));
    } else {
      it(`${r.label}: throws an Error naming ${r.fn} and ${r.arg}`, () => {
        expect(r.threw, "no error thrown").toBe(true);
        expect(r.isError, r.message).toBe(true);
        expect(r.message.startsWith(`${r.fn}: `), r.message).toBe(true);
        expect(r.message).toContain(r.arg);
      });
    }
  }

  it("adam with slots a worker thread rewrites while it runs: each call runs or throws, none writes outside the heap", () => {
    expect(race, "the race did not finish").toBeDefined();
    expect((race?.race.ran ?? 0) + (race?.race.threw ?? 0)).toBe(2000);
    expect(race?.race.wrong).toEqual([]);
  });
});
