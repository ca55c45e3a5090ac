import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAddon, type NativeAddon } from "../../../src/backend/blas/addon.js";
import { selectBackend } from "../../../src/backend/index.js";
import { installedPatch } from "../../../src/backend/kernel-patch.js";
import { biasOperand } from "../../../src/backend/kernels/wasm/Add.js";
import { expectFlatOverSteps, values } from "../compare.js";

// CI always builds the addon, so its absence fails these tests rather than skipping them.
function theAddon(): NativeAddon {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(`the native bias-add tests need the addon: ${loaded.reason}`);
  return loaded.addon;
}

beforeAll(async () => {
  await selectBackend("wasm", { kernels: "native" });
  expect(installedPatch("Add", "wasm")).toMatch(/native/);
});

afterAll(async () => {
  await selectBackend("wasm");
});

async function bitsOn(backend: "cpu" | "wasm", f: () => tf.Tensor[]): Promise<{ shape: number[]; bits: number[] }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const read = out.map((t) => ({ shape: t.shape, bits: Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)) }));
  tf.dispose(out);
  return read;
}

async function nativeCalls(f: () => tf.Tensor[]): Promise<number> {
  await tf.setBackend("wasm");
  const addon = theAddon();
  const original = addon.addBias;
  let calls = 0;
  addon.addBias = (...args) => {
    calls++;
    return original(...args);
  };
  try {
    tf.dispose(tf.tidy(f));
  } finally {
    addon.addBias = original;
  }
  return calls;
}

const t = (shape: number[], seed: number) => tf.tensor(values(shape, seed), shape);

describe("biasOperand", () => {
  it("finds a bias broadcast along the last axis, on either side, and nothing else", () => {
    expect(biasOperand([128, 28, 28, 32], [1, 1, 1, 32])).toBe("b");
    expect(biasOperand([128, 28, 28, 32], [32])).toBe("b");
    expect(biasOperand([32], [128, 512, 32])).toBe("a");
    expect(biasOperand([128, 32], [1, 32])).toBe("b");
    expect(biasOperand([32], [32])).toBeUndefined(); // same shape: a plain Add
    expect(biasOperand([1, 32], [32])).toBeUndefined();
    expect(biasOperand([128, 32], [128, 1])).toBeUndefined(); // broadcast along another axis
    expect(biasOperand([128, 28, 28, 32], [1, 28, 1, 32])).toBeUndefined();
    expect(biasOperand([4, 32], [1, 1, 32])).toBeUndefined(); // the bias has more axes: the output is not x's shape
    expect(biasOperand([], [3])).toBeUndefined();
  });
});

describe("native bias Add", () => {
  for (const [x, bias] of [
    [
      [128, 7, 7, 64],
      [1, 1, 1, 64],
    ],
    [[3, 5], [5]],
    [[2, 3, 4, 1], [1]],
  ] as const) {
    it(`${JSON.stringify(x)} + ${JSON.stringify(bias)} has the cpu kernel's bits, on either side, in one native call each`, async () => {
      const f = () => [tf.add(t([...x], 1), t([...bias], 2)), tf.add(t([...bias], 3), t([...x], 4))];
      expect(await bitsOn("wasm", f)).toEqual(await bitsOn("cpu", f));
      expect(await nativeCalls(f)).toBe(2);
    });
  }

  it("gives the gradients of a bias as on cpu (summed over the broadcast axes)", async () => {
    const f = () => tf.grads((x: tf.Tensor, b: tf.Tensor) => tf.add(x, b).square().sum())([t([4, 5, 5, 3], 1), t([1, 1, 1, 3], 2)]);
    const [wasm, cpu] = [await bitsOn("wasm", f), await bitsOn("cpu", f)];
    expect(wasm.map((r) => r.shape)).toEqual(cpu.map((r) => r.shape));
    const floats = (b: number[]) => new Float32Array(new Uint32Array(b).buffer);
    wasm.forEach((r, i) => {
      const [a, e] = [floats(r.bits), floats(cpu[i].bits)];
      for (let j = 0; j < e.length; j++) expect(Math.abs(a[j] - e[j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e[j])));
    });
  });

  it("leaves other Adds (same shapes, other broadcasts, int32) to the stock kernel, with the same results", async () => {
    const f = () => [tf.add(t([6, 4], 1), t([6, 4], 2)), tf.add(t([6, 4], 3), t([6, 1], 4))];
    expect(await bitsOn("wasm", f)).toEqual(await bitsOn("cpu", f));
    expect(await nativeCalls(f)).toBe(0);
    const ints = () => tf.tidy(() => Array.from(tf.add(tf.tensor2d([[1, 2]], [1, 2], "int32"), tf.tensor1d([3, 4], "int32")).dataSync()));
    await tf.setBackend("wasm");
    const onWasm = ints();
    expect(await nativeCalls(() => [tf.add(tf.tensor2d([[1, 2]], [1, 2], "int32"), tf.tensor1d([3, 4], "int32"))])).toBe(0);
    await tf.setBackend("cpu");
    expect(onWasm).toEqual(ints());
  });

  it("handles empty tensors and leaves neither tensors nor backend data behind", async () => {
    await tf.setBackend("wasm");
    expect(tf.tidy(() => tf.add(tf.zeros([0, 3]), tf.ones([3])).shape)).toEqual([0, 3]);
    const step = () => tf.tidy(() => tf.add(t([16, 8], 1), t([8], 2)).sum()).dispose();
    expectFlatOverSteps(step);
  });

  it("rejects offsets outside the heap", () => {
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    expect(() => theAddon().addBias(heap, 4, 4, heap.length - 16, 0, 0)).toThrow(/outside the heap/);
    expect(() => theAddon().addBias(heap, 1, 4, 2, 0, 0)).toThrow(/misaligned/);
    expect(() => theAddon().addBias(heap, -1, 4, 0, 0, 0)).toThrow(/rows must be/);
  });
});
