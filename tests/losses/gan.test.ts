import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { discriminatorLoss, generatorLoss, meanVerdict } from "../../src/losses/gan.js";
import { featureReconstruction } from "../../src/losses/feature.js";

const logit = (p: number) => Math.log(p / (1 - p));
const column = (values: number[]) => tf.tensor2d(values, [values.length, 1]);
const read = (t: tf.Scalar) => t.dataSync()[0];

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("GAN losses", () => {
  it("bce: the discriminator's cross-entropy and the non-saturating generator loss", () => {
    const real = [0.9, 0.6];
    const fake = [0.2, 0.3];
    const d = tf.tidy(() => read(discriminatorLoss("bce", column(real.map(logit)), [column(fake.map(logit))])));
    const byHand = -(Math.log(0.9) + Math.log(0.6)) / 2 - (Math.log(0.8) + Math.log(0.7)) / 2;
    expect(d).toBeCloseTo(byHand, 5);
    const g = tf.tidy(() => read(generatorLoss("bce", column(fake.map(logit)))));
    expect(g).toBeCloseTo(-(Math.log(0.2) + Math.log(0.3)) / 2, 5);
  });

  it("one-sided label smoothing moves only the real target", () => {
    const d = tf.tidy(() => read(discriminatorLoss("bce", column([logit(0.9)]), [column([logit(0.2)])], 0.1)));
    const byHand = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)) - Math.log(0.8);
    expect(d).toBeCloseTo(byHand, 5);
  });

  it("sums the losses of several kinds of fakes", () => {
    const [one, two] = tf.tidy(() => {
      const real = column([1.5]);
      const fake = column([-0.5]);
      return [read(discriminatorLoss("bce", real, [fake])), read(discriminatorLoss("bce", real, [fake, fake]))];
    });
    const fakeTerm = Math.log1p(Math.exp(-0.5));
    expect(two - one).toBeCloseTo(fakeTerm, 5);
  });

  it("lsgan: half the mean squared distance of the raw outputs to 1 (real) and 0 (fake)", () => {
    const d = tf.tidy(() => read(discriminatorLoss("lsgan", column([0.5, 1.5]), [column([0.2, -0.4])])));
    expect(d).toBeCloseTo(0.5 * ((0.25 + 0.25) / 2) + 0.5 * ((0.04 + 0.16) / 2), 6);
    const g = tf.tidy(() => read(generatorLoss("lsgan", column([0.2, -0.4]))));
    expect(g).toBeCloseTo(0.5 * ((0.64 + 1.96) / 2), 6);
  });

  it("reports D's verdict as a probability for bce and as the raw score for lsgan", () => {
    expect(tf.tidy(() => read(meanVerdict("bce", column([logit(0.2), logit(0.6)]))))).toBeCloseTo(0.4, 6);
    expect(tf.tidy(() => read(meanVerdict("lsgan", column([0.2, 0.6]))))).toBeCloseTo(0.4, 6);
  });
});

it("feature reconstruction sums squared feature errors and averages over the batch", () => {
  const value = tf.tidy(() =>
    read(
      featureReconstruction(
        tf.tensor2d([
          [1, 2],
          [0, 0],
        ]),
        tf.tensor2d([
          [0, 2],
          [3, 1],
        ]),
      ),
    ),
  );
  expect(value).toBeCloseTo((1 + 0 + 9 + 1) / 2, 6);
});
