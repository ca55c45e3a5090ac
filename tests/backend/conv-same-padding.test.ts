import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { installedPatch } from "../../src/backend/kernel-patch.js";
import { expectWasmMatchesCpu, values } from "./compare.js";

const x = (shape: [number, number, number, number]) => tf.tensor4d(values(shape, 1), shape);
const w = (shape: [number, number, number, number]) => tf.tensor4d(values(shape, 2), shape);

beforeAll(async () => {
  await selectBackend("wasm");
  expect(installedPatch("Conv2D", "wasm")).toBeDefined();
});

describe("'same' convolutions on wasm with the padding spelt out", () => {
  it("conv2d with stride wider than the filter (stock XNNPACK gets every value wrong) matches cpu", async () => {
    await expectWasmMatchesCpu(() => [tf.conv2d(x([3, 7, 9, 5]), w([4, 2, 5, 6]), 3, "same"), tf.conv2d(x([2, 8, 8, 4]), w([1, 1, 4, 3]), 2, "same")]);
  });

  it("common 'same' convolutions, dilated ones and the fused conv with bias match cpu", async () => {
    await expectWasmMatchesCpu(() => [
      tf.conv2d(x([2, 28, 28, 1]), w([3, 3, 1, 8]), 2, "same"),
      tf.conv2d(x([2, 9, 9, 3]), w([3, 3, 3, 4]), 1, "same", "NHWC", 2),
      tf.fused.conv2d({ x: x([2, 7, 9, 5]), filter: w([4, 2, 5, 6]), strides: 3, pad: "same", bias: tf.tensor1d(values([6], 3)), activation: "relu" }),
    ]);
  });

  it("depthwise 'same' convolutions match cpu", async () => {
    await expectWasmMatchesCpu(() => [
      tf.depthwiseConv2d(x([2, 7, 9, 3]), w([4, 2, 3, 2]), 3, "same"),
      tf.depthwiseConv2d(x([2, 8, 8, 3]), w([3, 3, 3, 1]), 2, "same"),
    ]);
  });
});
