import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { expectNoLeak, seededTensor, values } from "./compare.js";

const t = seededTensor;
const t4 = (shape: [number, number, number, number], seed: number) => tf.tensor4d(values(shape, seed), shape);

// Each runs one patched kernel (and its temporaries) through the engine.
const KERNELS: Record<string, () => tf.Tensor> = {
  "BatchMatMul transposeA": () => tf.matMul(t([7, 5], 1), t([7, 4], 2), true, false),
  "BatchMatMul transposeB, broadcast batch": () => tf.matMul(t([3, 5, 7], 1), t([4, 7], 2), false, true),
  "_FusedMatMul transposeB + bias": () => tf.fused.matMul({ a: t([5, 7], 1), b: t([4, 7], 2), transposeB: true, bias: t([4], 3) }),
  "_FusedMatMul batched + bias + prelu": () =>
    tf.fused.matMul({ a: t([2, 5, 7], 1), b: t([2, 7, 4], 2), bias: t([4], 3), activation: "prelu", preluActivationWeights: t([4], 4) }),
  Conv2DBackpropFilter: () =>
    tf
      .engine()
      .runKernel(
        "Conv2DBackpropFilter",
        { x: t([2, 9, 9, 3], 1), dy: t([2, 5, 5, 4], 2) },
        { strides: 2, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 3, 4] },
      ) as tf.Tensor,
  "Conv2DBackpropFilter (cropped)": () =>
    tf
      .engine()
      .runKernel(
        "Conv2DBackpropFilter",
        { x: t([2, 7, 9, 5], 1), dy: t([2, 3, 3, 6], 2) },
        { strides: 3, pad: "same", dataFormat: "NHWC", filterShape: [4, 2, 5, 6] },
      ) as tf.Tensor,
  "Conv2DBackpropInput (zero insertion, cropped)": () =>
    tf
      .engine()
      .runKernel(
        "Conv2DBackpropInput",
        { dy: t([2, 3, 3, 6], 1), filter: t([4, 2, 5, 6], 2) },
        { strides: 3, pad: "same", dataFormat: "NHWC", inputShape: [2, 7, 9, 5] },
      ) as tf.Tensor,
  "conv2dTranspose stride 2": () => tf.conv2dTranspose(t4([2, 7, 7, 8], 1), t4([3, 3, 4, 8], 2), [2, 14, 14, 4], 2, "same"),
  "Conv2D same": () => tf.conv2d(t4([2, 7, 9, 5], 1), t4([4, 2, 5, 6], 2), 3, "same"),
  "conv2d gradients": () => {
    const [dx, dw] = tf.grads((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same").sum())([t([2, 9, 9, 3], 1), t([3, 3, 3, 4], 2)]);
    return dx.sum().add(dw.sum());
  },
};

describe("patched kernels free their intermediates", () => {
  for (const backend of ["wasm", "cpu"] as const) {
    for (const [name, f] of Object.entries(KERNELS)) {
      it(`${backend}: ${name} keeps backend.numDataIds() flat over repeated calls`, async () => {
        await selectBackend(backend);
        await expectNoLeak(f);
      });
    }
  }

  it("wasm: a patched kernel that throws still frees its temporaries", async () => {
    await selectBackend("wasm");
    const inputs = { a: t([2, 7, 5], 1), b: t([2, 7, 4], 2), bias: t([4], 3) };
    const dataIds = tf.backend().numDataIds();
    // Batched with bias goes through separate kernels; 'tanh' is not among them, so it throws after
    // the transposed copy of a and the product exist.
    const attrs = { transposeA: true, transposeB: false, activation: "tanh" };
    expect(() => tf.engine().runKernel("_FusedMatMul", inputs, attrs)).toThrow("activation 'tanh' is not supported");
    expect(tf.backend().numDataIds()).toBe(dataIds);
    tf.dispose(Object.values(inputs));
  });
});
