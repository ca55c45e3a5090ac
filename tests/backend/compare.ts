import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { expect } from "vitest";

/** Reproducible values in [-1, 1), the same on every backend. */
export function values(shape: number[], seed: number): Float32Array {
  const rng = seedrandom.alea(String(seed));
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() * 2 - 1;
  return out;
}

/** Runs `f` on a backend and reads every result back (tensors are freed). */
export async function runOn(backend: "cpu" | "wasm", f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const read = list.map((t) => {
    expect(t.dtype).toBe("float32");
    return t.dataSync() as Float32Array;
  });
  tf.dispose(list);
  return read;
}

/** max |a − b| / max |b|: a tolerance relative to the size of the reference values. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(actual[i])) return Infinity;
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

// float32 summation in a different order; measured ≤ 1.5e-6 even on the CVAE decoder's gradients.
export const TOLERANCE = 1e-5;

/** Computes `f` on the stock cpu backend and on wasm (with whatever kernels are installed) and compares. */
export async function expectWasmMatchesCpu(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const expected = await runOn("cpu", f);
  const actual = await runOn("wasm", f);
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(relativeError(a, expected[i]), `output ${i}`).toBeLessThan(TOLERANCE));
}

/** A tensor of `values(shape, seed)`. */
export const seededTensor = (shape: number[], seed: number): tf.Tensor => tf.tensor(values(shape, seed), shape);

/** Stored shapes of a and b for a product [...batchA, m, k]·[...batchB, k, n] with the given flags. */
export function matMulOperands(m: number, k: number, n: number, batchA: number[], batchB: number[], transposeA: boolean, transposeB: boolean) {
  const aShape = [...batchA, ...(transposeA ? [k, m] : [m, k])];
  const bShape = [...batchB, ...(transposeB ? [n, k] : [k, n])];
  return { a: () => seededTensor(aShape, 1), b: () => seededTensor(bShape, 2) };
}

// [m, k, n, batchA, batchB]: plain, odd sizes past XNNPACK's tiles, batched, b broadcast (also with
// explicit batch 1), a broadcast.
export const MATMUL_SHAPES: Array<[number, number, number, number[], number[]]> = [
  [5, 7, 4, [], []],
  [33, 65, 17, [], []],
  [5, 7, 4, [3], [3]],
  [5, 7, 4, [2, 3], []],
  [5, 7, 4, [2, 3], [1]],
  [5, 7, 4, [], [3]],
  [5, 7, 4, [1], [3]],
];

/** Every [transposeA, transposeB]. */
export const TRANSPOSE_FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Runs `f` repeatedly on the current backend: tf.memory().numTensors and backend.numDataIds() stay flat. */
export async function expectNoLeak(f: () => tf.Tensor): Promise<void> {
  tf.tidy(f).dataSync(); // warm-up: first calls may cache XNNPACK operators or grow the heap
  const dataIds = tf.backend().numDataIds();
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) tf.dispose(tf.tidy(f));
  expect(tf.backend().numDataIds()).toBe(dataIds);
  expect(tf.memory().numTensors).toBe(tensors);
}

/** Runs `step` once (warming caches), then five more times: the tensor count and the backend's data stay flat. */
export function expectFlatOverSteps(step: () => void): void {
  step();
  const backend = tf.backend();
  const tensors = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  for (let i = 0; i < 5; i++) step();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backend.numDataIds()).toBe(dataIds);
}
