import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { activeNativeKernels } from "../../src/backend/blas/state.js";
import { gradientNorm } from "../../src/train/gradient-norm.js";
import { values } from "../backend/compare.js";
import { expectExactNormWithoutLeaks } from "../helpers/gradient-norm-case.js";

const SHAPES = [[], [37], [784, 512], [512], [3, 3, 1, 32], [15]];

/** In double precision, from the values themselves. */
function exactNorm(ts: tf.Tensor[]): number {
  let sum = 0;
  for (const t of ts) for (const v of t.dataSync()) sum += v * v;
  return Math.sqrt(sum);
}

function tfjsNorm(ts: tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))).dataSync()[0]);
}

describe("gradient norm", () => {
  beforeAll(async () => {
    await selectBackend("wasm", { kernels: "native" });
  });
  afterAll(async () => {
    await selectBackend("wasm");
  });

  it("runs natively on the wasm backend and equals the norm to float32 precision (tfjs's float sum is off by ~5e-5 here)", () => {
    expect(activeNativeKernels(), "the native addon must be built (install libopenblas-dev, then npm run build:native)").not.toBeNull();
    const ts = SHAPES.map((shape, i) => tf.tensor(values(shape, i + 1), shape));
    const native = tf.tidy(() => gradientNorm(ts).dataSync()[0]);
    const reference = exactNorm(ts);
    expect(Math.abs(native - reference) / reference).toBeLessThan(1e-7);
    expect(Math.abs(tfjsNorm(ts) - reference) / reference).toBeLessThan(1e-4);
    tf.dispose(ts);
  });

  it("is exact on a hand-made case and leaves no tensor behind", expectExactNormWithoutLeaks);

  it("uses tfjs ops where the native kernels are off, with the same result", async () => {
    await selectBackend("wasm", { kernels: "wasm" });
    expect(activeNativeKernels()).toBeNull();
    const ts = SHAPES.map((shape, i) => tf.tensor(values(shape, i + 1), shape));
    expect(tf.tidy(() => gradientNorm(ts).dataSync()[0])).toBe(tfjsNorm(ts));
    tf.dispose(ts);
    await selectBackend("wasm", { kernels: "native" });
  });
});
