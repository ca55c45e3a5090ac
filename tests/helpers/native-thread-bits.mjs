/**
 * Runs the models' matMul and conv shapes on the native addon with 1, 2 and 3 threads and prints one
 * JSON line: { core, checked, mismatches } (mismatches: the outputs whose bits on 2 or 3 threads
 * differ from 1 thread's). A child process of tests/backend/blas/thread-bits.native.test.ts, which
 * runs it under OpenBLAS core types of its choosing (OPENBLAS_CORETYPE is read when the library loads).
 *
 * Usage: node tests/helpers/native-thread-bits.mjs <path of aelab_kernels.node>
 */
import { createRequire } from "node:module";
import path from "node:path";
import { nativeJobs } from "./native-jobs.mjs";

const addon = createRequire(import.meta.url)(path.resolve(process.argv[2]));

// The MLP VAE's layers at batch 128 (784 -> 512 -> 256 -> 20 and back), forward and both gradient
// forms (dX = dY·Wᵀ, dW = Xᵀ·dY), with and without the fused epilogue, and odd shapes.
const GEMMS = [
  { name: "128x784 · 784x512", m: 128, n: 512, k: 784 },
  { name: "128x784 · 784x512 + bias, relu", m: 128, n: 512, k: 784, bias: true, activation: 1 },
  { name: "128x512 · (784x512)ᵀ", m: 128, n: 784, k: 512, transposeB: true },
  { name: "(128x784)ᵀ · 128x512", m: 784, n: 512, k: 128, transposeA: true },
  { name: "128x512 · 512x256 + bias, leakyrelu", m: 128, n: 256, k: 512, bias: true, activation: 5 },
  { name: "(128x512)ᵀ · 128x256", m: 512, n: 256, k: 128, transposeA: true },
  { name: "128x256 · 256x20", m: 128, n: 20, k: 256 },
  { name: "128x20 · 20x256 + bias, sigmoid", m: 128, n: 256, k: 20, bias: true, activation: 3 },
  { name: "128x256 · 256x784", m: 128, n: 784, k: 256 },
  { name: "(128x256)ᵀ · 128x784", m: 256, n: 784, k: 128, transposeA: true },
  { name: "97x211 · 211x131", m: 97, n: 131, k: 211 },
  { name: "5x7 · (4x7)ᵀ", m: 5, n: 4, k: 7, transposeB: true },
  { name: "1000x33 · 33x1000", m: 1000, n: 1000, k: 33 },
  { name: "3 batches of 64x80 · 80x96, b broadcast", m: 64, n: 96, k: 80, batch: 3, broadcastB: true },
  { name: "6 batches of (130x70)ᵀ · (300x130)ᵀ", m: 70, n: 300, k: 130, batch: 6, transposeA: true, transposeB: true },
];
// tests/backend/blas/conv2d.native.test.ts's multi-thread cases and the models' encoder layers.
const CONVS = [
  { name: "x[13,14,14,32] filter[3,3,32,24] stride 1", geometry: [13, 14, 14, 32, 14, 14, 24, 3, 3, 1, 1, 1, 1] },
  { name: "x[3,28,28,32] filter[3,3,32,16] stride 2", geometry: [3, 28, 28, 32, 14, 14, 16, 3, 3, 2, 2, 0, 0] },
  { name: "x[20,20,20,48] filter[1,1,48,40]", geometry: [20, 20, 20, 48, 20, 20, 40, 1, 1, 1, 1, 0, 0] },
  { name: "x[32,28,28,1] filter[3,3,1,32] stride 2", geometry: [32, 28, 28, 1, 14, 14, 32, 3, 3, 2, 2, 0, 0] },
  { name: "x[32,14,14,32] filter[3,3,32,64] stride 2", geometry: [32, 14, 14, 32, 7, 7, 64, 3, 3, 2, 2, 0, 0] },
];

const jobs = nativeJobs(addon, 1, { convs: CONVS, gemms: GEMMS });
const on = (threads) => {
  addon.setThreads(threads);
  return jobs.map((job) => job.run());
};
const one = on(1);
const mismatches = [];
let checked = 0;
for (const threads of [2, 3]) {
  on(threads).forEach((outs, j) =>
    outs.forEach((bits, o) => {
      checked++;
      const differ = bits.reduce((n, v, i) => n + (v === one[j][o][i] ? 0 : 1), 0);
      if (differ) mismatches.push(`${jobs[j].name}, output ${o}: ${differ} of ${bits.length} values differ on ${threads} threads`);
    }),
  );
}
console.log(JSON.stringify({ core: addon.blasInfo().core, checked, mismatches }));
