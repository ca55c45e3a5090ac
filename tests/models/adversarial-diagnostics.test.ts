import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { balanceDiagnostics, decisionBoundary } from "../../src/models/adversarial-diagnostics.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

async function values(record: Record<string, tf.Scalar>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(record)) {
    out[name] = (await t.data())[0];
    t.dispose();
  }
  return out;
}

describe("the discriminator's balance diagnostics", () => {
  it("are the mean logits and the balanced share classified right, by hand", async () => {
    const real = tf.tensor2d([[2], [-1], [0.5], [3]]);
    // Two kinds of fake, twice as many as the real inputs (vaegan's reconstructions and prior samples).
    const fakes = [tf.tensor2d([[-2], [1], [-0.5], [-4]]), tf.tensor2d([[-1], [-1], [-1], [2]])];
    const got = await values(balanceDiagnostics("bce", real, fakes));
    expect(got.D_logit_real).toBeCloseTo((2 - 1 + 0.5 + 3) / 4, 6);
    expect(got.D_logit_fake).toBeCloseTo((-2 + 1 - 0.5 - 4 - 1 - 1 - 1 + 2) / 8, 6);
    // Real: 3 of 4 above 0; fakes: 6 of 8 below 0; balanced: (0.75 + 0.75) / 2.
    expect(got.D_accuracy).toBeCloseTo(0.75, 6);
    tf.dispose([real, ...fakes]);
  });

  it("put lsgan's boundary halfway between its targets, and count each patch of a PatchGAN", async () => {
    expect(decisionBoundary("bce")).toBe(0);
    expect(decisionBoundary("hinge")).toBe(0);
    expect(decisionBoundary("lsgan")).toBe(0.5);
    const real = tf.tensor2d([
      [0.6, 0.4],
      [0.9, 0.8],
    ]);
    const fake = tf.tensor2d([
      [0.1, 0.7],
      [0.2, 0.3],
    ]);
    const got = await values(balanceDiagnostics("lsgan", real, [fake]));
    expect(got.D_accuracy).toBeCloseTo((3 / 4 + 3 / 4) / 2, 6);
    expect(got.D_logit_real).toBeCloseTo(0.675, 6);
    tf.dispose([real, fake]);
  });

  it("leave no tensor behind but the three scalars", () => {
    const real = tf.tensor2d([[1], [2]]);
    const fake = tf.tensor2d([[-1], [0]]);
    const before = tf.memory().numTensors;
    const out = balanceDiagnostics("hinge", real, [fake, fake]);
    expect(tf.memory().numTensors - before).toBe(3);
    tf.dispose([...Object.values(out), real, fake]);
  });
});
