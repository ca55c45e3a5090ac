import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { asWasm, heapOf } from "../../../src/backend/blas/heap.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch, installPatch, restoreStock, type KernelPatch } from "../../../src/backend/kernel-patch.js";
import { leadingAxes, nativeSumPatch } from "../../../src/backend/kernels/wasm/Sum.js";
import { installPatches } from "../../../src/backend/patches.js";
import { expectFlatOverSteps, relativeError, values } from "../compare.js";

// CI always builds the addon, so its absence fails these tests rather than skipping them.
function theAddon(): NativeAddon {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(`the native Sum tests need the addon: ${loaded.reason}`);
  return loaded.addon;
}

let patch: KernelPatch;

beforeAll(async () => {
  const addon = theAddon();
  await selectBackend("wasm");
  patch = nativeSumPatch(addon);
  installPatch(patch);
  expect(installedPatch("Sum", "wasm")).toBe(patch.name);
});

afterAll(() => {
  restoreStock(patch.kernelName, patch.backendName);
  installPatches("wasm");
});

const t = (shape: number[], seed: number) => tf.tensor(values(shape, seed), shape);

async function resultOn(backend: "cpu" | "wasm", f: () => tf.Tensor): Promise<{ shape: number[]; dtype: string; values: Float32Array | Int32Array }> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const read = { shape: out.shape, dtype: out.dtype, values: out.dataSync() as Float32Array | Int32Array };
  out.dispose();
  return read;
}

async function expectMatchesCpu(f: () => tf.Tensor): Promise<void> {
  const expected = await resultOn("cpu", f);
  const actual = await resultOn("wasm", f);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  expect(relativeError(Float32Array.from(actual.values), Float32Array.from(expected.values))).toBeLessThan(1e-5);
}

/** Counts the native calls while `f` runs on wasm. */
async function nativeCalls(f: () => tf.Tensor): Promise<number> {
  await tf.setBackend("wasm");
  const addon = theAddon();
  const original = addon.sumLeading;
  let calls = 0;
  addon.sumLeading = (...args) => {
    calls++;
    original(...args);
  };
  try {
    tf.tidy(f).dispose();
  } finally {
    addon.sumLeading = original;
  }
  return calls;
}

const LEADING: [number[], number | number[]][] = [
  [[128, 512], 0],
  [[128, 784], [0]],
  [[3, 5], -2],
  [[1, 7], 0],
  [[7, 1], 0],
  [
    [4, 6, 5],
    [0, 1],
  ],
  [
    [4, 6, 5],
    [1, 0],
  ],
  [
    [2, 3, 4, 5],
    [0, 1, 2],
  ],
  [
    [32, 7, 7, 16],
    [0, 1, 2],
  ],
  [[3000, 2100], 0], // more columns than one native block
  [[5000, 3], 0],
];

const OTHER: [number[], number | number[] | undefined][] = [
  [[128, 512], 1],
  [[128, 512], undefined],
  [
    [128, 512],
    [0, 1],
  ],
  [
    [4, 6, 5],
    [0, 2],
  ],
  [[4, 6, 5], 1],
  [
    [4, 6, 5],
    [1, 2],
  ],
  [[6], 0],
  [[4, 6], []],
];

describe("native Sum over leading axes", () => {
  it("recognises exactly the leading-axes reductions", () => {
    expect(leadingAxes(0, [128, 512])).toBe(1);
    expect(leadingAxes([1, 0], [2, 3, 4])).toBe(2);
    expect(leadingAxes([-3, -2], [2, 3, 4])).toBe(2);
    expect(leadingAxes([0, 1, 2], [2, 3, 4])).toBe(0); // all axes: stock
    expect(leadingAxes([0, 2], [2, 3, 4])).toBe(0);
    expect(leadingAxes(1, [2, 3, 4])).toBe(0);
    expect(leadingAxes([], [2, 3])).toBe(0);
  });

  for (const [shape, axis] of LEADING) {
    for (const keepDims of [false, true]) {
      it(`sum(${JSON.stringify(shape)}, axis ${JSON.stringify(axis)}, keepDims ${keepDims}) matches cpu, natively`, async () => {
        const f = () => tf.sum(t(shape, shape.length + shape[0]), axis, keepDims);
        await expectMatchesCpu(f);
        expect(await nativeCalls(f)).toBe(1);
      });
    }
  }

  for (const [shape, axis] of OTHER) {
    it(`sum(${JSON.stringify(shape)}, axis ${JSON.stringify(axis)}) stays with the stock kernel`, async () => {
      const f = () => tf.sum(t(shape, 9), axis, true);
      await expectMatchesCpu(f);
      expect(await nativeCalls(f)).toBe(0);
    });
  }

  it("leaves int32 and bool sums to the stock kernel", async () => {
    const ints = () =>
      tf.sum(
        tf.tensor2d(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [2, 3],
          "int32",
        ),
        0,
      );
    const bools = () =>
      tf.sum(
        tf.tensor2d(
          [
            [1, 0, 1],
            [1, 1, 0],
          ],
          [2, 3],
          "bool",
        ),
        0,
      );
    for (const f of [ints, bools]) {
      await expectMatchesCpu(f);
      expect(await nativeCalls(f)).toBe(0);
    }
  });

  it("handles empty tensors", async () => {
    await expectMatchesCpu(() => tf.sum(tf.zeros([0, 4]), 0));
    await expectMatchesCpu(() => tf.sum(tf.zeros([3, 0]), 0));
  });

  it("is what a dense layer's bias gradient runs, and the gradient matches cpu", async () => {
    const f = () => {
      const x = t([16, 8], 1);
      const w = t([8, 5], 2);
      const grads = tf.grads((b: tf.Tensor) => tf.add(tf.matMul(x, w), b).square().mean())([t([5], 3)]);
      return grads[0];
    };
    await expectMatchesCpu(f);
    expect(await nativeCalls(f)).toBeGreaterThan(0);
  });

  it("neither tensors nor backend data accumulate over repeated calls", async () => {
    await tf.setBackend("wasm");
    const step = () =>
      tf
        .tidy(() => {
          const x = t([32, 7, 9], 4);
          return tf.addN([tf.sum(x, 0), tf.sum(x, [0, 1], true).reshape([9]).expandDims(0).tile([7, 1]), tf.sum(x, 2).sum(1, true)].map((s) => s.sum()));
        })
        .dispose();
    expectFlatOverSteps(step);
  });

  it("rejects offsets outside the heap", async () => {
    await tf.setBackend("wasm");
    const heap = heapOf(asWasm(tf.backend()));
    expect(() => theAddon().sumLeading(heap, 4, 4, heap.length - 16, 0)).toThrow(/outside the heap/);
    expect(() => theAddon().sumLeading(heap, 1, 4, 0, 2)).toThrow(/misaligned/);
    expect(() => theAddon().sumLeading(heap, -1, 4, 0, 0)).toThrow(/rows must be/);
  });
});
