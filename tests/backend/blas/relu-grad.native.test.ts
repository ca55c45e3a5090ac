import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch, installPatch, restoreStock } from "../../../src/backend/kernel-patch.js";
import { nativeReluGradPatch, RELU_GRAD } from "../../../src/backend/kernels/wasm/AelabReluGrad.js";
import { expectFlatOverSteps, values } from "../compare.js";

// CI always builds the addon, so its absence fails these tests rather than skipping them.
function theAddon(): NativeAddon {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(`the native Relu gradient tests need the addon: ${loaded.reason}`);
  return loaded.addon;
}

beforeAll(async () => {
  await selectBackend("wasm", { kernels: "native" });
  expect(installedPatch(RELU_GRAD, "wasm")).toBe(`${RELU_GRAD}: native`);
});

afterAll(async () => {
  await selectBackend("wasm");
});

/** Values in [-1, 1) with exact zeros, negative zeros and (optionally) NaNs among them. */
function awkward(shape: number[], seed: number, nan = false): tf.Tensor {
  const v = values(shape, seed);
  for (let i = 0; i < v.length; i += 7) v[i] = i % 2 ? 0 : -0;
  if (nan) for (let i = 3; i < v.length; i += 11) v[i] = NaN;
  return tf.tensor(v, shape);
}

/** The bits of every result, so -0 and NaN count: the gradient must be tfjs's, not merely close. */
async function bitsOn(backend: "cpu" | "wasm", f: () => tf.Tensor[]): Promise<number[][]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const bits = out.map((t) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)));
  tf.dispose(out);
  return bits;
}

/** Native reluGrad calls while `f` runs on wasm. */
async function nativeCalls(f: () => tf.Tensor[]): Promise<number> {
  await tf.setBackend("wasm");
  const addon = theAddon();
  const grad = addon.reluGrad;
  let calls = 0;
  addon.reluGrad = (...args) => {
    calls++;
    return grad(...args);
  };
  try {
    tf.dispose(tf.tidy(f));
  } finally {
    addon.reluGrad = grad;
  }
  return calls;
}

describe("native Relu gradient", () => {
  for (const shape of [[128, 512], [3, 5], [2, 7, 7, 4], [1]]) {
    it(`of ${JSON.stringify(shape)} has the bits of tfjs's mul(dy, cast(step(x))) on cpu, -0 and NaN included, in one native call`, async () => {
      const f = () => {
        const x = awkward(shape, 1, true);
        const dy = tf.tensor(values(shape, 2), shape);
        return tf.grads((a: tf.Tensor) => tf.relu(a).mul(dy).sum())([x]);
      };
      expect(await bitsOn("wasm", f)).toEqual(await bitsOn("cpu", f));
      expect(await nativeCalls(f)).toBe(1);
    });
  }

  it("gives the gradients of a conv + bias + relu block (as the conv models build it), as on cpu", async () => {
    const f = () => {
      const x = tf.tensor4d(values([2, 6, 6, 3], 5), [2, 6, 6, 3]);
      const bias = tf.tensor1d(values([4], 6));
      const block = (k: tf.Tensor, input: tf.Tensor) =>
        tf
          .relu(tf.add(tf.conv2d(input as tf.Tensor4D, k as tf.Tensor4D, 1, "same"), bias))
          .square()
          .mean();
      return tf.grads(block)([tf.tensor4d(values([3, 3, 3, 4], 7), [3, 3, 3, 4]), x]);
    };
    const [wasm, cpu] = [await bitsOn("wasm", f), await bitsOn("cpu", f)];
    const floats = (b: number[]) => new Float32Array(new Uint32Array(b).buffer);
    for (const i of [0, 1]) {
      const [a, e] = [floats(wasm[i]), floats(cpu[i])];
      const scale = Math.max(...e.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let j = 0; j < e.length; j++) expect(Math.abs(a[j] - e[j]) / scale).toBeLessThan(1e-5);
    }
    expect(await nativeCalls(f)).toBe(1);
  });

  it("has second-order gradients (a gradient penalty) equal to tfjs's", async () => {
    const f = () => {
      const w = tf.tensor(values([5, 4], 2), [5, 4]);
      const penalty = (x: tf.Tensor) =>
        tf
          .grad((y: tf.Tensor) => tf.relu(tf.matMul(y, w)).square().sum())(x)
          .square()
          .sum();
      return [tf.grad(penalty)(awkward([3, 5], 1))];
    };
    const [wasm, cpu] = [await bitsOn("wasm", f), await bitsOn("cpu", f)];
    const floats = (b: number[]) => new Float32Array(new Uint32Array(b).buffer);
    const [a, e] = [floats(wasm[0]), floats(cpu[0])];
    const scale = Math.max(...e.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < e.length; i++) expect(Math.abs(a[i] - e[i]) / scale).toBeLessThan(1e-5);
  });

  it("is tfjs's gradient where the backend lacks the kernel, also once wasm's is back to stock", async () => {
    await tf.setBackend("cpu");
    expect(tf.getKernel(RELU_GRAD, "cpu") as unknown).toBeUndefined();
    const f = () => tf.grads((a: tf.Tensor) => tf.relu(a).sum())([awkward([4, 4], 3)]);
    restoreStock(RELU_GRAD, "wasm");
    try {
      expect(await nativeCalls(f)).toBe(0);
    } finally {
      restoreStock(RELU_GRAD, "wasm");
      installPatch(nativeReluGradPatch(theAddon()));
    }
    expect(await nativeCalls(f)).toBe(1);
  });

  it("leaves int32 inputs to tfjs's gradient", async () => {
    const f = () => [tf.grad((a: tf.Tensor) => tf.relu(a).sum())(tf.tensor1d([-3, 0, 2], "int32"))];
    expect(await nativeCalls(f)).toBe(0);
  });

  it("neither tensors nor backend data accumulate over repeated calls, and empty tensors work", async () => {
    await tf.setBackend("wasm");
    const step = () =>
      tf
        .tidy(() =>
          tf
            .grads((a: tf.Tensor) => tf.relu(a).square().sum())([awkward([32, 9], 4)])[0]
            .sum(),
        )
        .dispose();
    expectFlatOverSteps(step);
    expect(tf.tidy(() => tf.grads((a: tf.Tensor) => tf.relu(a).sum())([tf.zeros([0, 3])])[0].shape)).toEqual([0, 3]);
  });

  it("rejects offsets outside the heap", () => {
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    expect(() => theAddon().reluGrad(heap, 8, heap.length - 16, 0, 0, 0)).toThrow(/outside the heap/);
    expect(() => theAddon().reluGrad(heap, 4, 0, 0, 2, 0)).toThrow(/misaligned/);
  });
});
