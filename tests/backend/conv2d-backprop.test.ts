import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { restoreStockKernels, selectBackend } from "../../src/backend/index.js";
import { installPatch, installedPatch } from "../../src/backend/kernel-patch.js";
import { patchesFor } from "../../src/backend/patches.js";
import { expectWasmMatchesCpu, relativeError, runOn, TOLERANCE, values } from "./compare.js";

type Pad = "valid" | "same" | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "valid" },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "same" },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: "valid" },
  { x: [3, 10, 11, 2], filter: [5, 5, 2, 3], strides: 3, pad: "same" },
  { x: [3, 10, 11, 2], filter: [5, 5, 2, 3], strides: 3, pad: "valid" },
  // Stride wider than the filter: z has more trailing zeros than the conv needs and is cropped.
  { x: [3, 7, 9, 5], filter: [4, 2, 5, 6], strides: 3, pad: "same" },
  { x: [2, 8, 8, 4], filter: [1, 1, 4, 3], strides: 2, pad: "same" },
  { x: [2, 12, 11, 3], filter: [5, 3, 3, 2], strides: [2, 1], pad: "same" },
  {
    x: [1, 6, 7, 2],
    filter: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  // Padding wider than the filter: the fast input-gradient leaves this to the stock kernel.
  {
    x: [1, 5, 5, 2],
    filter: [3, 3, 2, 2],
    strides: 2,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  },
];

const label = (c: Case) => `x[${c.x}] filter[${c.filter}] strides ${c.strides} pad ${JSON.stringify(c.pad)}`;

/** Forward output, input gradient and weight gradient of sum(conv2d(x, w) · r). */
function convAndGrads(c: Case): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const w = tf.tensor4d(values(c.filter, 2), c.filter);
    const y = tf.conv2d(x, w, c.strides, c.pad);
    const r = tf.tensor(values(y.shape, 3), y.shape);
    const [dx, dw] = tf.grads((a, b) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
        .mul(r)
        .sum(),
    )([x, w]);
    return [y, dx, dw];
  };
}

beforeAll(async () => {
  await selectBackend("wasm");
  expect(installedPatch("Conv2DBackpropFilter", "wasm")).toBeDefined();
  expect(installedPatch("Conv2DBackpropInput", "wasm")).toBeDefined();
  // The reference is cpu's own kernel, not aelab's shim.
  restoreStockKernels("cpu");
});

describe("conv2d gradients on wasm (weight-gradient shim, fast input-gradient)", () => {
  for (const c of CASES) {
    it(`${label(c)}: output, dx and dW match stock cpu`, async () => {
      await expectWasmMatchesCpu(convAndGrads(c));
    });
  }
});

describe("Conv2DBackpropFilter shim on cpu", () => {
  it.each(CASES.slice(0, 8))("matches cpu's own kernel for %#", async (c) => {
    const dw = () => convAndGrads(c)()[2];
    const [stock] = await runOn("cpu", dw);
    for (const patch of patchesFor("cpu")) installPatch(patch);
    try {
      const [patched] = await runOn("cpu", dw);
      expect(relativeError(patched, stock)).toBeLessThan(TOLERANCE);
    } finally {
      restoreStockKernels("cpu");
    }
  });
});
