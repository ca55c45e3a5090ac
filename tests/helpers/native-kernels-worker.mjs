/**
 * A worker thread for tests/backend/blas/worker-threads.native.test.ts: loads the native addon in its
 * own thread and runs conv2d, conv2dBackpropInput, conv2dBackpropFilter and gemm on its own heap
 * (inputs from `seed`).
 *
 * workerData: { addonPath, seed, mode: "reference" | "race", iterations, reference }
 *   reference: one call of each on 1 thread; posts { bits: Uint32Array[] }, one per output.
 *   race: `iterations` rounds on 1, 2 or 3 threads in turn (setThreads is process-wide: the other
 *     workers change it meanwhile); posts { calls, mismatches: string[] }, the rounds whose bits
 *     differed from `reference`.
 */
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { nativeJobs } from "./native-jobs.mjs";

const { addonPath, seed, mode, iterations, reference } = workerData;
const addon = createRequire(import.meta.url)(addonPath);

// Large enough that the kernels start threads (conv: > 2^18 column floats; gemm: > 2^22
// multiply-adds), and one small conv that stays on the calling thread.
const CONVS = [
  { name: "conv x[13,14,14,32] filter[3,3,32,24] stride 1", geometry: [13, 14, 14, 32, 14, 14, 24, 3, 3, 1, 1, 1, 1] },
  { name: "conv x[3,28,28,32] filter[3,3,32,16] stride 2", geometry: [3, 28, 28, 32, 14, 14, 16, 3, 3, 2, 2, 0, 0] },
];
const GEMMS = [
  // relu(a · b + bias): the epilogue runs on each part's columns, so it is in the race too.
  { name: "gemm 128x784 · 784x512 + bias, relu", m: 128, n: 512, k: 784, bias: true, activation: 1 },
  { name: "gemm 37x129 · 129x70", m: 37, n: 70, k: 129 },
];

const jobs = nativeJobs(addon, seed, { convs: CONVS, gemms: GEMMS });

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

if (mode === "reference") {
  addon.setThreads(1);
  parentPort.postMessage({ bits: jobs.flatMap((job) => job.run()) });
} else {
  const mismatches = [];
  let calls = 0;
  for (let i = 0; i < iterations; i++) {
    let output = 0;
    for (const job of jobs) {
      addon.setThreads(1 + ((i + seed) % 3));
      const outs = job.run();
      calls++;
      outs.forEach((bits, j) => {
        if (!same(bits, reference[output + j])) mismatches.push(`${job.name}, output ${j}, round ${i}`);
      });
      output += outs.length;
    }
  }
  parentPort.postMessage({ calls, mismatches });
}
