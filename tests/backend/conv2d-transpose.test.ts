import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { restoreStockKernels, selectBackend } from "../../src/backend/index.js";
import { installedPatch } from "../../src/backend/kernel-patch.js";
import { expectWasmMatchesCpu, values } from "./compare.js";

// The CVAE tutorial's decoder after its dense layer: 7x7x32 -> 14x14x64 -> 28x28x32 -> 28x28x1.
// conv2dTranspose's forward pass is Conv2DBackpropInput, its input gradient Conv2D and its weight
// gradient Conv2DBackpropFilter with the roles of x and dy swapped.
const BATCH = 2;
const LAYERS = [
  { filter: [3, 3, 64, 32], out: [BATCH, 14, 14, 64], strides: 2 },
  { filter: [3, 3, 32, 64], out: [BATCH, 28, 28, 32], strides: 2 },
  { filter: [3, 3, 1, 32], out: [BATCH, 28, 28, 1], strides: 1 },
] as const;

function decoder(withGrads: boolean): () => tf.Tensor[] {
  return () => {
    const z = tf.tensor4d(values([BATCH, 7, 7, 32], 1), [BATCH, 7, 7, 32]);
    const filters = LAYERS.map((l, i) => tf.tensor4d(values([...l.filter], 10 + i), [...l.filter]));
    const forward = (x: tf.Tensor4D, ws: tf.Tensor4D[]): tf.Tensor4D =>
      LAYERS.reduce((h, l, i) => {
        const y = tf.conv2dTranspose(h, ws[i], [...l.out], l.strides, "same");
        return i < LAYERS.length - 1 ? tf.relu(y) : y;
      }, x);
    const out = forward(z, filters);
    if (!withGrads) return [out];
    const r = tf.tensor(values(out.shape, 2), out.shape);
    const grads = tf.grads((...args) => {
      const [x, ...ws] = args as tf.Tensor4D[];
      return forward(x, ws).mul(r).sum();
    });
    return [out, ...grads([z, ...filters])];
  };
}

beforeAll(async () => {
  await selectBackend("wasm");
  expect(installedPatch("Conv2DBackpropInput", "wasm")).toBeDefined();
  restoreStockKernels("cpu");
});

describe("conv2dTranspose as used by a decoder, on wasm", () => {
  it("forward 7x7x32 -> 14x14x64 -> 28x28x32 -> 28x28x1 matches stock cpu", async () => {
    await expectWasmMatchesCpu(decoder(false));
  });

  it("gradients for the latent input and all three filters match stock cpu", async () => {
    await expectWasmMatchesCpu(decoder(true));
  });
});
