import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { loadAddon } from "../../../src/backend/blas/addon.js";

// Worker threads that each load the native addon share its scratch buffers and thread count (one
// process, one copy of the library). Before the addon's lock, two threads calling conv at once gave
// wrong results in 12-16 of 200 calls. Here three workers call conv, its gradients and gemm at once,
// each on its own heap, while switching the process's thread count between 1, 2 and 3, and every
// result must have the bits of the same call made alone on 1 thread.

const WORKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "helpers", "native-kernels-worker.mjs");
const WORKERS = 3;
const ROUNDS = 40;

interface Reference {
  bits: Uint32Array[];
}
interface Race {
  calls: number;
  mismatches: string[];
}

function runWorker<T>(workerData: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData });
    worker.once("message", (message: T) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the worker exited (code ${code}) without a result`)));
  });
}

describe("the native addon in several worker threads at once", () => {
  it(`${WORKERS} workers x ${ROUNDS} rounds of conv, its gradients and gemm give the bits of 1 thread alone`, async () => {
    const load = loadAddon();
    if (!load.ok) throw new Error(`the worker-thread tests need the addon: ${load.reason}`);
    const before = load.addon.getThreads();
    try {
      const seeds = Array.from({ length: WORKERS }, (_, i) => i + 1);
      const references: Reference[] = [];
      for (const seed of seeds) references.push(await runWorker<Reference>({ addonPath: load.path, seed, mode: "reference" }));
      const races = await Promise.all(
        seeds.map((seed, i) => runWorker<Race>({ addonPath: load.path, seed, mode: "race", iterations: ROUNDS, reference: references[i].bits })),
      );
      for (const race of races) {
        expect(race.calls).toBe(ROUNDS * 4);
        expect(race.mismatches).toEqual([]);
      }
    } finally {
      if (before > 0) load.addon.setThreads(before);
    }
  });
});
