import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loggedScalars } from "../helpers/logged-scalars.js";

// Determinism across thread counts (README, "Determinism"): the same config trained with 1 and 2 BLAS
// threads logs the same values, bit for bit, so a run made by one of `aelab experiment --workers 2`'s
// workers (one thread each) equals the same run made alone (every core). With the native kernels this
// holds because their parts are fixed by the shapes alone (native/src/threads.c); the wasm kernels are
// single-threaded. Real layer sizes at batch 128, so that matMul and conv are split into several parts.

const root = mkdtempSync(join(tmpdir(), "aelab-thread-count-"));

interface Kernels {
  native: boolean;
  blasThreads?: number;
}

function train(config: string, threads: number): { scalars: Map<string, number>; kernels: Kernels } {
  const name = `${config.replace(/\W/g, "-")}-${threads}`;
  const run = spawnSync(
    process.execPath,
    [
      "bin/aelab.js",
      "train",
      config,
      "--logdir",
      root,
      "--name",
      name,
      "--threads",
      String(threads),
      "--set",
      "train.epochs=1",
      "--set",
      "data.trainLimit=384",
      "--set",
      "data.testLimit=128",
      "--set",
      "log.every=1",
    ],
    { encoding: "utf8", env: { ...process.env, CI: "true" } },
  );
  expect(run.status, run.stderr).toBe(0);
  const record = JSON.parse(readFileSync(join(root, name, "run.json"), "utf8")) as { backend: { kernels: Kernels } };
  return { scalars: loggedScalars(join(root, name)), kernels: record.backend.kernels };
}

describe("the same run on 1 and 2 BLAS threads (aelab uses at most one per core)", () => {
  for (const config of ["configs/vae-mse+gan.yaml", "configs/conv-vae-mse+patchgan.yaml"]) {
    it(`${config}: every logged value is the same, bit for bit`, () => {
      const one = train(config, 1);
      expect(one.scalars.size).toBeGreaterThan(20);
      const two = train(config, 2);
      // The native kernels record the threads they ran on; the wasm kernels have one.
      if (one.kernels.native) expect([one.kernels.blasThreads, two.kernels.blasThreads]).toEqual([1, 2]);
      expect({ ...two.kernels, blasThreads: 0 }).toEqual({ ...one.kernels, blasThreads: 0 });
      expect(Object.fromEntries(two.scalars)).toEqual(Object.fromEntries(one.scalars));
    });
  }
});
