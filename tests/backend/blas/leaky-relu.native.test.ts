import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch, installPatch, restoreStock, type KernelPatch } from "../../../src/backend/kernel-patch.js";
import { LEAKY_RELU_GRAD, nativeLeakyReluGradPatch } from "../../../src/backend/kernels/wasm/AelabLeakyReluGrad.js";
import { nativeLeakyReluPatch } from "../../../src/backend/kernels/wasm/LeakyRelu.js";
import { installPatches } from "../../../src/backend/patches.js";
import { expectFlatOverSteps, relativeError, values } from "../compare.js";

// CI always builds the addon, so its absence fails these tests rather than skipping them.
function theAddon(): NativeAddon {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(`the native LeakyRelu tests need the addon: ${loaded.reason}`);
  return loaded.addon;
}

let patches: KernelPatch[] = [];

beforeAll(async () => {
  await selectBackend("wasm");
  patches = [nativeLeakyReluPatch(theAddon()), nativeLeakyReluGradPatch(theAddon())];
  for (const patch of patches) installPatch(patch);
  for (const patch of patches) expect(installedPatch(patch.kernelName, "wasm")).toBe(patch.name);
});

afterAll(() => {
  for (const patch of patches) restoreStock(patch.kernelName, patch.backendName);
  installPatches("wasm");
});

const t = (shape: number[], seed: number) => tf.tensor(values(shape, seed), shape);

async function resultsOn(backend: "cpu" | "wasm", f: () => tf.Tensor[]): Promise<{ shape: number[]; values: Float32Array }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const read = out.map((x) => ({ shape: x.shape, values: x.dataSync() as Float32Array }));
  tf.dispose(out);
  return read;
}

async function expectMatchesCpu(f: () => tf.Tensor[]): Promise<void> {
  const expected = await resultsOn("cpu", f);
  const actual = await resultsOn("wasm", f);
  expect(actual.map((r) => r.shape)).toEqual(expected.map((r) => r.shape));
  actual.forEach((r, i) => expect(relativeError(r.values, expected[i].values), `output ${i}`).toBeLessThan(1e-6));
}

/** Counts native calls (forward, gradient) while `f` runs on wasm. */
async function nativeCalls(f: () => tf.Tensor[]): Promise<[number, number]> {
  await tf.setBackend("wasm");
  const addon = theAddon();
  const [fwd, grad] = [addon.leakyRelu, addon.leakyReluGrad];
  const calls: [number, number] = [0, 0];
  addon.leakyRelu = (...args) => {
    calls[0]++;
    return fwd(...args);
  };
  addon.leakyReluGrad = (...args) => {
    calls[1]++;
    return grad(...args);
  };
  try {
    tf.dispose(tf.tidy(f));
  } finally {
    [addon.leakyRelu, addon.leakyReluGrad] = [fwd, grad];
  }
  return calls;
}

// Values with exact zeros and negative zeros among them, where the branches meet.
function withZeros(shape: number[], seed: number): tf.Tensor {
  const v = values(shape, seed);
  for (let i = 0; i < v.length; i += 7) v[i] = i % 2 ? 0 : -0;
  return tf.tensor(v, shape);
}

const CASES: [number[], number][] = [
  [[128, 512], 0.2],
  [[3, 5], 0.01],
  [[2, 7, 7, 4], 0.3],
  [[1], -0.5],
];

describe("native LeakyRelu", () => {
  for (const [shape, alpha] of CASES) {
    it(`forward and gradient of ${JSON.stringify(shape)}, alpha ${alpha}, match cpu, natively`, async () => {
      const f = () => {
        const x = withZeros(shape, 1);
        const dy = t(shape, 2);
        const [dx] = tf.grads((a: tf.Tensor) => tf.leakyRelu(a, alpha).mul(dy).sum())([x]);
        return [tf.leakyRelu(x, alpha), dx];
      };
      await expectMatchesCpu(f);
      expect(await nativeCalls(f)).toEqual([2, 1]);
    });
  }

  it("computes the gradients of a leaky-ReLU network as on cpu", async () => {
    const f = () => {
      const x = t([16, 8], 1);
      const w1 = t([8, 12], 2);
      const w2 = t([12, 3], 3);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf
          .leakyRelu(tf.matMul(tf.leakyRelu(tf.matMul(x, a), 0.2), b), 0.1)
          .square()
          .mean();
      return tf.grads(loss)([w1, w2]);
    };
    await expectMatchesCpu(f);
    const layer = () => {
      const l = tf.layers.leakyReLU({ alpha: 0.2 });
      return tf.grads((a: tf.Tensor) => (l.apply(a) as tf.Tensor).sum())([t([4, 6], 5)]);
    };
    await expectMatchesCpu(layer);
    expect((await nativeCalls(layer))[1]).toBe(1);
  });

  it("has second-order gradients (a gradient penalty), where tfjs's own gradient has none", async () => {
    // relu(z) − alpha·relu(−z) is leakyRelu with gradients of every order on every backend.
    const penaltyGrad = (leaky: (z: tf.Tensor) => tf.Tensor) => () => {
      const w = t([5, 4], 2);
      const penalty = (x: tf.Tensor) => {
        const g = tf.grad((y: tf.Tensor) => leaky(tf.matMul(y, w)).square().sum())(x);
        return g.square().sum();
      };
      return [tf.grad(penalty)(withZeros([3, 5], 1))];
    };
    const expected = await resultsOn(
      "cpu",
      penaltyGrad((z) => tf.relu(z).sub(tf.relu(z.neg()).mul(0.2))),
    );
    const actual = await resultsOn(
      "wasm",
      penaltyGrad((z) => tf.leakyRelu(z, 0.2)),
    );
    expect(relativeError(actual[0].values, expected[0].values)).toBeLessThan(1e-5);
  });

  it("leaves int32 inputs to the stock kernels", async () => {
    const f = () => {
      const x = tf.tensor1d([-3, 0, 2], "int32");
      return [tf.leakyRelu(x, 0.5)];
    };
    await expectMatchesCpu(f);
    expect(await nativeCalls(f)).toEqual([0, 0]);
  });

  it("uses tfjs's gradient where the backend lacks the kernel, also once wasm's is back to stock", async () => {
    await tf.setBackend("cpu");
    expect(tf.getKernel(LEAKY_RELU_GRAD, "cpu") as unknown).toBeUndefined();
    const f = () => tf.grads((a: tf.Tensor) => tf.leakyRelu(a, 0.2).sum())([t([4, 4], 3)]);
    await expectMatchesCpu(f);
    restoreStock(LEAKY_RELU_GRAD, "wasm");
    try {
      await expectMatchesCpu(f);
      expect(await nativeCalls(f)).toEqual([1, 0]);
    } finally {
      for (const patch of patches) restoreStock(patch.kernelName, patch.backendName);
      for (const patch of patches) installPatch(patch);
    }
    expect(await nativeCalls(f)).toEqual([1, 1]);
  });

  it("handles empty tensors", async () => {
    await expectMatchesCpu(() => tf.grads((a: tf.Tensor) => tf.leakyRelu(a, 0.2).sum())([tf.zeros([0, 3])]));
  });

  it("neither tensors nor backend data accumulate over repeated calls", async () => {
    await tf.setBackend("wasm");
    const step = () =>
      tf
        .tidy(() => {
          const x = t([32, 9], 4);
          const [dx] = tf.grads((a: tf.Tensor) => tf.leakyRelu(a, 0.2).square().sum())([x]);
          return dx.sum().add(tf.leakyRelu(x).sum());
        })
        .dispose();
    expectFlatOverSteps(step);
  });

  it("rejects offsets outside the heap", async () => {
    await tf.setBackend("wasm");
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    expect(() => theAddon().leakyRelu(heap, 8, heap.length - 16, 0, 0.2)).toThrow(/outside the heap/);
    expect(() => theAddon().leakyReluGrad(heap, 4, 0, 0, 2, 0.2)).toThrow(/misaligned/);
    expect(() => theAddon().leakyRelu(heap, -1, 0, 0, 0.2)).toThrow(/n must be/);
  });
});
