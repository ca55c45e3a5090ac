import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { installPatches, restoreStockKernels, selectBackend } from "../../src/backend/index.js";

interface ProgramRunner {
  runWebGPUProgram(program: { constructor: { name: string } }, ...rest: unknown[]): unknown;
}

/** The names of the WebGPU programs `fn` runs. */
function programsOf(fn: () => void): string[] {
  const backend = tf.engine().backend as unknown as ProgramRunner;
  const original = backend.runWebGPUProgram;
  const names: string[] = [];
  backend.runWebGPUProgram = function (program, ...rest) {
    names.push(program.constructor.name);
    return original.call(this, program, ...rest);
  };
  try {
    fn();
  } finally {
    backend.runWebGPUProgram = original;
  }
  return names;
}

// A conv encoder's dense head: 32 flattened 7x7x64 feature maps to 2 x 20 code parameters.
const A_SHAPE: [number, number] = [32, 3136];
const B_SHAPE: [number, number] = [3136, 40];

async function cpuProduct(): Promise<{ a: Float32Array; b: Float32Array; product: Float32Array }> {
  await selectBackend("cpu");
  const a = tf.randomUniform(A_SHAPE, -1, 1, "float32", 1).dataSync() as Float32Array;
  const b = tf.randomUniform(B_SHAPE, -1, 1, "float32", 2).dataSync() as Float32Array;
  const product = tf.matMul(tf.tensor2d(a, A_SHAPE), tf.tensor2d(b, B_SHAPE)).dataSync() as Float32Array;
  return { a, b, product };
}

afterEach(async () => {
  await selectBackend("webgpu");
});

describe("matMul on webgpu is deterministic", () => {
  it("stock tfjs runs this shape as split-K, whose atomic adds vary in order (why aelab replaces it)", async () => {
    await selectBackend("webgpu");
    restoreStockKernels("webgpu");
    try {
      const a = tf.randomUniform(A_SHAPE);
      const b = tf.randomUniform(B_SHAPE);
      expect(programsOf(() => tf.dispose(tf.matMul(a, b)))).toContain("MatMulSplitKProgram");
      tf.dispose([a, b]);
    } finally {
      installPatches("webgpu");
    }
  });

  it("aelab's kernels run it without split-K, give the same bits every time and agree with cpu", async () => {
    const { a, b, product } = await cpuProduct();
    await selectBackend("webgpu");
    const ta = tf.tensor2d(a, A_SHAPE);
    const tb = tf.tensor2d(b, B_SHAPE);
    let out: tf.Tensor | undefined;
    const programs = programsOf(() => (out = tf.matMul(ta, tb)));
    expect(programs).not.toContain("MatMulSplitKProgram");
    const first = (await out!.data()) as Float32Array;
    for (let i = 0; i < 10; i++) {
      const again = tf.matMul(ta, tb);
      expect(Buffer.from((await again.data()).buffer).equals(Buffer.from(first.buffer))).toBe(true);
      again.dispose();
    }
    // Relative L2 error (single elements near zero carry the float32 error of a 3136-term sum, which in
    // another summation order is about sqrt(3136) x 6e-8 = 3e-6 relative).
    let error = 0;
    let norm = 0;
    first.forEach((v, i) => {
      error += (v - product[i]) ** 2;
      norm += product[i] ** 2;
    });
    expect(Math.sqrt(error / norm)).toBeLessThan(1e-5);
    // The fused kernel (a dense layer with a bias and an activation) takes the same path.
    const bias = tf.zeros([40]);
    const fusedPrograms = programsOf(() => tf.dispose(tf.fused.matMul({ a: ta, b: tb, bias, activation: "relu" })));
    expect(fusedPrograms).not.toContain("MatMulSplitKProgram");
    tf.dispose([ta, tb, out!, bias]);
  });

  it("shapes tfjs does not split keep the program tfjs picks", async () => {
    await selectBackend("webgpu");
    const a = tf.randomUniform([128, 784]);
    const b = tf.randomUniform([784, 512]);
    const patched = programsOf(() => tf.dispose(tf.matMul(a, b)));
    restoreStockKernels("webgpu");
    try {
      expect(programsOf(() => tf.dispose(tf.matMul(a, b)))).toEqual(patched);
    } finally {
      installPatches("webgpu");
    }
    tf.dispose([a, b]);
  });
});
