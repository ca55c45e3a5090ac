import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAddon } from "../../src/backend/blas/addon.js";
import { activeNativeKernels } from "../../src/backend/blas/state.js";
import { selectBackend } from "../../src/backend/index.js";
import { FusedAdamOptimizer } from "../../src/train/fused-adam.js";

const loaded = loadAddon();
const NORMAL_MIN = 1.1754943508222875e-38; // float32's smallest normal number

beforeAll(async () => {
  await selectBackend("wasm", { kernels: "native" });
});

/** One variable whose first moment is set to `m` and whose gradient is 0, stepped once; its new moment. */
function momentAfterZeroGradient(optimizer: tf.AdamOptimizer, m: number): number {
  const v = tf.variable(tf.tensor1d([0.5, -0.25, 1, 2]));
  const zero = tf.zerosLike(v);
  optimizer.applyGradients({ [v.name]: zero }); // creates the moments
  const moments = (optimizer as unknown as { accumulatedFirstMoment: Array<{ variable: tf.Variable }> }).accumulatedFirstMoment;
  moments[0].variable.assign(tf.fill([4], m));
  optimizer.applyGradients({ [v.name]: zero });
  const out = moments[0].variable.dataSync()[0];
  tf.dispose([v, zero]);
  return out;
}

describe("fused Adam and float32 denormals", () => {
  it("flushes a moment that decays below float32's normal range to 0; tfjs keeps the denormal", () => {
    expect(loaded.ok, "the native addon must be built (install libopenblas-dev, then npm run build:native)").toBe(true);
    expect(activeNativeKernels()).not.toBeNull();
    // 0.9 * 1.2e-38 is a denormal: tfjs's Adam keeps it (and runs slowly on it), the fused one flushes it.
    const stock = momentAfterZeroGradient(tf.train.adam(1e-3) as tf.AdamOptimizer, 1.2e-38);
    const fused = momentAfterZeroGradient(new FusedAdamOptimizer(1e-3, 0.9, 0.999), 1.2e-38);
    expect(stock).toBeGreaterThan(0);
    expect(stock).toBeLessThan(NORMAL_MIN);
    expect(fused).toBe(0);
    // Above the denormal range both agree to the bit.
    expect(momentAfterZeroGradient(new FusedAdamOptimizer(1e-3, 0.9, 0.999), 1e-30)).toBe(
      momentAfterZeroGradient(tf.train.adam(1e-3) as tf.AdamOptimizer, 1e-30),
    );
  });

  it("leaves the process's floating-point mode as it was: denormals still exist after a fused step", () => {
    momentAfterZeroGradient(new FusedAdamOptimizer(1e-3, 0.9, 0.999), 1.2e-38);
    const half = Math.fround(NORMAL_MIN / 4);
    expect(half).toBeGreaterThan(0);
    // wasm float ops run on the same SSE unit the flag governs.
    expect(tf.tidy(() => tf.mul(tf.scalar(NORMAL_MIN), tf.scalar(0.25)).dataSync()[0])).toBeGreaterThan(0);
  });
});
