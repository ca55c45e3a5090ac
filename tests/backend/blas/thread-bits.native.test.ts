import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadAddon } from "../../../src/backend/blas/addon.js";

// The native gemm and conv kernels give the same bits on 1, 2 and 3 threads, on this machine's
// OpenBLAS core and on the others its CPU can run: OpenBLAS's own threaded sgemm does not (on Haswell
// most shapes differed, on AVX-512 cores the k = 784 ones), so each kernel runs fixed parts, each a
// single-threaded sgemm. The core type is chosen when OpenBLAS loads, so each runs in a child
// process (tests/helpers/native-thread-bits.mjs) with OPENBLAS_CORETYPE set for it alone.

const HELPER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "helpers", "native-thread-bits.mjs");
const load = loadAddon();

/** OpenBLAS core types and the CPU flags (/proc/cpuinfo) their kernels need. */
const CORES: Record<string, string[]> = {
  Haswell: ["avx2", "fma"],
  SkylakeX: ["avx512f", "avx512dq", "avx512bw", "avx512vl"],
  Sandybridge: ["avx"],
};

function cpuFlags(): Set<string> {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("flags"));
    return new Set(line?.split(":")[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

/** Why a core cannot be forced here, or "" when it can. */
function cannotForce(core: string): string {
  if (!load.ok) return "";
  const info = load.addon.blasInfo();
  if (info.name !== "OpenBLAS" || !info.config.includes("DYNAMIC_ARCH")) return `${info.name} is not a DYNAMIC_ARCH OpenBLAS`;
  const flags = cpuFlags();
  const missing = CORES[core].filter((f) => !flags.has(f));
  return missing.length ? `this CPU lacks ${missing.join(", ")}` : "";
}

function runChild(core: string | undefined): { core: string; checked: number; mismatches: string[] } {
  if (!load.ok) throw new Error(`the thread-count tests need the addon: ${load.reason}`);
  const env = { ...process.env };
  if (core) env.OPENBLAS_CORETYPE = core;
  const child = spawnSync(process.execPath, [HELPER, load.path], { encoding: "utf8", env, timeout: 120_000 });
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { core: string; checked: number; mismatches: string[] };
}

describe("native gemm and conv give the same bits on 1, 2 and 3 threads", () => {
  it(`on the core OpenBLAS picks here${process.env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE})` : ""}`, () => {
    const result = runChild(undefined);
    expect(result.checked).toBe(2 * (15 + 5 * 3));
    expect(result.mismatches).toEqual([]);
  });

  // Only the cores this CPU and OpenBLAS build can run (core-types.native.test.ts counts a skip as a failure).
  for (const core of Object.keys(CORES).filter((c) => cannotForce(c) === "")) {
    it(`on OpenBLAS's ${core} kernels`, () => {
      const result = runChild(core);
      expect(result.core).toBe(core);
      expect(result.mismatches).toEqual([]);
    });
  }
});
