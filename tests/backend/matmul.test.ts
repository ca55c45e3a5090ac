import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { installedPatch } from "../../src/backend/kernel-patch.js";
import { expectWasmMatchesCpu, MATMUL_SHAPES, matMulOperands as operands, TRANSPOSE_FLAGS as FLAGS, values } from "./compare.js";

beforeAll(async () => {
  await selectBackend("wasm");
  expect(installedPatch("BatchMatMul", "wasm")).toBeDefined();
  expect(installedPatch("_FusedMatMul", "wasm")).toBeDefined();
});

const SHAPES = MATMUL_SHAPES;

describe("wasm BatchMatMul with explicit transposes", () => {
  for (const [m, k, n, batchA, batchB] of SHAPES) {
    for (const [tA, tB] of FLAGS) {
      it(`[${batchA}|${m}x${k}]·[${batchB}|${k}x${n}] transposeA=${tA} transposeB=${tB} matches cpu`, async () => {
        const { a, b } = operands(m, k, n, batchA, batchB, tA, tB);
        await expectWasmMatchesCpu(() => tf.matMul(a(), b(), tA, tB));
      });
    }
  }

  it("gives the gradients of a matMul (which set the transpose flags) as cpu does", async () => {
    const { a, b } = operands(9, 13, 6, [], [], false, false);
    const r = () => tf.tensor(values([9, 6], 3), [9, 6]);
    await expectWasmMatchesCpu(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).mul(r()).sum())([a(), b()]));
  });
});

describe("wasm _FusedMatMul with explicit transposes", () => {
  const bias = (n: number) => tf.tensor1d(values([n], 4));
  const prelu = (n: number) => tf.tensor1d(values([n], 5));

  for (const [tA, tB] of FLAGS) {
    for (const activation of ["linear", "relu", "sigmoid", "leakyrelu", "prelu", "elu"] as const) {
      it(`2-D, bias, ${activation}, transposeA=${tA} transposeB=${tB} matches cpu`, async () => {
        const { a, b } = operands(11, 7, 5, [], [], tA, tB);
        await expectWasmMatchesCpu(() =>
          tf.fused.matMul({
            a: a(),
            b: b(),
            transposeA: tA,
            transposeB: tB,
            bias: bias(5),
            activation,
            preluActivationWeights: activation === "prelu" ? prelu(5) : undefined,
            leakyreluAlpha: 0.3,
          }),
        );
      });
    }
  }

  for (const [batchA, batchB] of [
    [[3], [3]],
    [[3], []],
    [[], [3]],
  ]) {
    for (const [tA, tB] of FLAGS) {
      it(`batched [${batchA}]·[${batchB}], bias, relu, transposeA=${tA} transposeB=${tB} matches cpu`, async () => {
        const { a, b } = operands(6, 7, 5, batchA, batchB, tA, tB);
        await expectWasmMatchesCpu(() => tf.fused.matMul({ a: a(), b: b(), transposeA: tA, transposeB: tB, bias: bias(5), activation: "relu" }));
      });
    }
  }

  it("without bias, with a bias that broadcasts over rows, and with a [1] bias matches cpu", async () => {
    const { a, b } = operands(6, 7, 5, [], [], false, true);
    await expectWasmMatchesCpu(() => [
      tf.fused.matMul({ a: a(), b: b(), transposeB: true }),
      tf.fused.matMul({ a: a(), b: b(), transposeB: true, bias: tf.tensor2d(values([6, 5], 6), [6, 5]) }),
      tf.fused.matMul({ a: a(), b: b(), transposeB: true, bias: tf.tensor1d([0.5]) }),
    ]);
  });

  it("trains a tf.layers dense layer (fused forward, transposed gradients) as cpu does", async () => {
    const step = () => {
      const layer = tf.layers.dense({
        units: 6,
        inputShape: [10],
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        biasInitializer: tf.initializers.randomNormal({ seed: 2 }),
      });
      const x = tf.tensor2d(values([8, 10], 7), [8, 10]);
      const r = tf.tensor2d(values([8, 6], 8), [8, 6]);
      layer.build([8, 10]);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).mul(r).sum() as tf.Scalar, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      for (const w of layer.weights) w.dispose();
      return out;
    };
    await expectWasmMatchesCpu(step);
  });
});
