import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON_CANDIDATES } from "../../../scripts/bench/python.js";
import { failureOf, runChild } from "../../../scripts/bench/spawn.js";
import type { ImageSet } from "../../../src/metrics/index.js";

/**
 * The reference suite (`*.reference.test.ts`, npm run test:reference) checks aelab's metrics against numpy and scipy
 * on the same arrays: each test writes its arrays as JSON to a temp file and runs one of the Python scripts beside
 * this file on it, which prints its answer as JSON. JSON carries float64 exactly both ways (shortest round-trip
 * decimals), and float32 pixels are float64 values.
 */
export type ScipyPython = { ok: true; python: string } | { ok: false; reason: string };

/** The first of PYTHON_CANDIDATES that imports numpy and scipy, or why none does (naming the package to install). */
export function findScipyPython(candidates: readonly string[] = PYTHON_CANDIDATES): ScipyPython {
  const tried: string[] = [];
  for (const python of candidates) {
    const out = spawnSync(python, ["-c", "import numpy, scipy"], { encoding: "utf8" });
    if (out.status === 0) return { ok: true, python };
    const why = out.error ? ((out.error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : out.error.message) : out.stderr.trim().split("\n").at(-1);
    tried.push(`${python}: ${why}`);
  }
  return { ok: false, reason: `no Python imports numpy and scipy (${tried.join("; ")}); install the Debian package python3-scipy` };
}

let found: ScipyPython | undefined;

/** Runs tests/metrics/reference/<script> on `input` and returns what it prints, parsed. */
export async function reference<T>(script: string, input: unknown): Promise<T> {
  found ??= findScipyPython();
  if (!found.ok) throw new Error(found.reason);
  const dir = mkdtempSync(join(tmpdir(), "aelab-reference-"));
  try {
    const file = join(dir, "input.json");
    writeFileSync(file, JSON.stringify(input));
    // No __pycache__ beside the scripts (common.py is imported).
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
    const out = await runChild(found.python, [fileURLToPath(new URL(script, import.meta.url)), file], env);
    if (out.code !== 0) throw new Error(`${script}: ${failureOf(out)}`);
    return JSON.parse(out.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An ImageSet as JSON: its pixels as a plain array, NHWC, with its shape. */
export function imagesJson(s: ImageSet): { pixels: number[]; count: number; height: number; width: number; channels: number } {
  return { pixels: Array.from(s.pixels), count: s.count, height: s.height, width: s.width, channels: s.channels };
}

/** |actual - expected| <= tolerance * max(|expected|, floor): relative, with an absolute floor for values near 0. */
export function relativeError(actual: number, expected: number, floor = 1e-12): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), floor);
}
