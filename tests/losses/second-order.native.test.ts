import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { buildConvDiscriminator } from "../../src/nn/conv-discriminator.js";
import { buildMlpDiscriminator } from "../../src/nn/mlp-discriminator.js";
import type { Discriminator } from "../../src/nn/modules.js";
import { Rng } from "../../src/random/rng.js";

// Does tfjs (4.22) give correct second-order gradients, as an R1 penalty (Mescheder et al. 2018) needs?
// R1 = mean ‖∇_x sum D(x)‖² on real inputs; its gradient in D's weights differentiates the input gradient.
// Measured here on wasm against central finite differences: correct through an MLP with leaky ReLU
// (aelab's native LeakyRelu gradient kernel); wrong through tanh (its gradient reads the op's saved
// output, a path the second-order pass seems to drop) and through convs (also at stride 1, leaky ReLU).
// On the cpu backend leaky ReLU stops
// at "gradient function not found for Greater". So aelab has no R1 option; the tests below assert the broken
// cases, and will flag a tfjs upgrade that fixes them.

beforeAll(async () => {
  await selectBackend("wasm");
});

const SHAPE = { height: 6, width: 6, channels: 1 };

/** R1 with its own forward pass inside tf.grad (differentiable when the ops' gradients are). */
function r1(d: Discriminator, x: tf.Tensor4D): tf.Scalar {
  const g = tf.grad((input: tf.Tensor) => tf.sum(d.discriminate(input as tf.Tensor4D).logit))(x);
  return tf.mean(tf.sum(tf.square(g), [1, 2, 3])) as tf.Scalar;
}

/** The largest gap between R1's gradient at a few entries of the first kernel and finite differences. */
function worstGap(d: Discriminator): number {
  const x = tf.randomUniform([3, 6, 6, 1], 0, 1, "float32", 7) as tf.Tensor4D;
  const vars = d.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernel = vars[0];
  const g = tf.tidy(() =>
    tf
      .variableGrads(() => r1(d, x), vars)
      .grads[kernel.name].dataSync()
      .slice(),
  );
  const base = kernel.dataSync().slice();
  const h = 3e-3;
  let worst = 0;
  for (const i of [0, 5, 11]) {
    const at = (delta: number) => {
      const w = base.slice();
      w[i] += delta;
      kernel.assign(tf.tensor(w, kernel.shape));
      return tf.tidy(() => r1(d, x).dataSync()[0]);
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    kernel.assign(tf.tensor(base, kernel.shape));
    worst = Math.max(worst, Math.abs(g[i] - numeric) / Math.max(1, Math.abs(numeric)));
  }
  x.dispose();
  d.model.dispose();
  return worst;
}

const mlp = (activation: "leakyRelu" | "tanh") =>
  buildMlpDiscriminator({ type: "mlp", hidden: [8, 4], activation, featureLayer: -1, spectralNorm: false }, SHAPE, new Rng(1));
const conv = () =>
  buildConvDiscriminator(
    { type: "conv", filters: [3, 4], kernel: 3, strides: 1, activation: "leakyRelu", hidden: [], featureLayer: -1, spectralNorm: false, head: "dense" },
    SHAPE,
    new Rng(2),
  );

describe("second-order gradients (an R1 penalty) on wasm", () => {
  it("MLP discriminator, leaky ReLU: correct", () => expect(worstGap(mlp("leakyRelu"))).toBeLessThan(2e-2));
  // These two assert today's tfjs bug: when an upgrade fixes it they fail, and an R1 option can be added.
  it("MLP discriminator, tanh: wrong (known tfjs limitation)", () => expect(worstGap(mlp("tanh"))).toBeGreaterThan(2e-2));
  it("conv discriminator: wrong (known tfjs limitation)", () => expect(worstGap(conv())).toBeGreaterThan(2e-2));
});
