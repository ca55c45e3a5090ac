import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { activeNativeKernels } from "../../src/backend/blas/state.js";
import { gradientNorm } from "../../src/train/gradient-norm.js";
import { values } from "../backend/compare.js";
import { expectExactNormWithoutLeaks } from "../helpers/gradient-norm-case.js";

// The native path is tested in gradient-norm.native.test.ts; this is the path every machine has.
describe("gradient norm on the wasm kernels", () => {
  beforeAll(async () => {
    await selectBackend("wasm", { kernels: "wasm" });
  });

  it("uses tfjs ops: the norm of tfjs's own sum of squares", () => {
    expect(activeNativeKernels()).toBeNull();
    const shapes = [[], [37], [784, 512], [3, 3, 1, 32]];
    const ts = shapes.map((shape, i) => tf.tensor(values(shape, i + 1), shape));
    const reference = tf.tidy(() => tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))).dataSync()[0]);
    expect(tf.tidy(() => gradientNorm(ts).dataSync()[0])).toBe(reference);
    tf.dispose(ts);
  });

  it("is exact on a hand-made case and leaves no tensor behind", expectExactNormWithoutLeaks);
});
