import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { installPatches, restoreStockKernels, selectBackend } from "../../src/backend/index.js";
import { WEBGPU_ADD_N_MAX_INPUTS } from "../../src/backend/kernels/webgpu/AddN.js";

/** n tensors of `size` seeded values, and their sum on the cpu backend (the reference), left to right. */
async function inputsAndCpuSum(n: number, size: number): Promise<{ values: Float32Array[]; expected: Float32Array }> {
  await selectBackend("cpu");
  const values = Array.from({ length: n }, (_, i) => tf.randomUniform([size], -1, 1, "float32", 10 + i).dataSync() as Float32Array);
  const tensors = values.map((v) => tf.tensor1d(v));
  const sum = tf.addN(tensors);
  const expected = sum.dataSync() as Float32Array;
  tf.dispose([...tensors, sum]);
  return { values, expected };
}

async function webgpuSum(values: Float32Array[]): Promise<Float32Array> {
  const tensors = values.map((v) => tf.tensor1d(v));
  const sum = tf.addN(tensors);
  const out = (await sum.data()) as Float32Array;
  tf.dispose([...tensors, sum]);
  return out;
}

afterEach(async () => {
  await selectBackend("webgpu");
});

describe("AddN on webgpu", () => {
  // 4096 elements: above WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD, so the sum runs on the GPU, not forwarded to cpu.
  for (const n of [2, WEBGPU_ADD_N_MAX_INPUTS, WEBGPU_ADD_N_MAX_INPUTS + 1, 13, 20, 45]) {
    it(`${n} inputs: aelab's AddN equals the cpu backend's sum exactly`, async () => {
      const { values, expected } = await inputsAndCpuSum(n, 4096);
      await selectBackend("webgpu");
      expect(Array.from(await webgpuSum(values))).toEqual(Array.from(expected));
    });
  }

  it(`the stock kernel with more than ${WEBGPU_ADD_N_MAX_INPUTS} inputs gives no sum (why aelab replaces it)`, async () => {
    const { values, expected } = await inputsAndCpuSum(WEBGPU_ADD_N_MAX_INPUTS + 2, 4096);
    await selectBackend("webgpu");
    restoreStockKernels("webgpu");
    try {
      const stock = await webgpuSum(values);
      expect(Array.from(stock)).not.toEqual(Array.from(expected));
    } finally {
      installPatches("webgpu");
    }
  });

  it("leaves no tensor data behind on the backend", async () => {
    const { values } = await inputsAndCpuSum(20, 4096);
    await selectBackend("webgpu");
    const before = tf.engine().backend.numDataIds();
    await webgpuSum(values);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
