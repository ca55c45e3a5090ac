import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CB_LOGIT_LIMIT,
  CB_TAYLOR_CUTOFF,
  buildLikelihood,
  cbLogNormalizer,
  cbLogNormalizerExact,
  cbLogNormalizerTaylor,
  cbMean,
  cbMeanFromLogits,
  cbNll,
  gaussianNll,
  isProperDensity,
  laplaceNll,
  optimalLogScale,
} from "../../src/losses/likelihoods/index.js";
import { iwaeLogLikelihood } from "../../src/losses/likelihoods/iwae.js";
import { pixelLoss, reconstructionLoss } from "../../src/losses/reconstruction.js";

const logit = (p: number) => Math.log(p / (1 - p));
/** The closed forms, in float64, straight from the definitions (Loaiza-Ganem & Cunningham 2019). */
const logCByHand = (l: number) => (l === 0.5 ? Math.LN2 : Math.log((2 * Math.atanh(1 - 2 * l)) / (1 - 2 * l)));
const cbMeanByHand = (l: number) => (l === 0.5 ? 0.5 : l / (2 * l - 1) + 1 / (2 * Math.atanh(1 - 2 * l)));
const cbNllByHand = (x: number, l: number) => -(x * Math.log(l) + (1 - x) * Math.log(1 - l)) - logCByHand(l);

/** One scalar through a tensor function of logits (and targets). */
const at = (f: (t: tf.Tensor) => tf.Tensor, eta: number) => tf.tidy(() => f(tf.tensor1d([eta])).dataSync()[0]);

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("continuous Bernoulli", () => {
  it("log C(λ) matches log(2·atanh(1−2λ)/(1−2λ)) on both branches", () => {
    for (const l of [0.001, 0.05, 0.2, 0.4, 0.47, 0.49, 0.499, 0.5, 0.501, 0.52, 0.6, 0.8, 0.95, 0.999]) {
      expect(at(cbLogNormalizer, logit(l))).toBeCloseTo(logCByHand(l), 5);
    }
    expect(at(cbLogNormalizer, 0)).toBeCloseTo(Math.LN2, 7);
  });

  it("its near-½ branch joins the exact one continuously at the cutoff", () => {
    for (const eta of [CB_TAYLOR_CUTOFF, -CB_TAYLOR_CUTOFF]) {
      const exact = at(cbLogNormalizerExact, eta);
      const taylor = at(cbLogNormalizerTaylor, eta);
      expect(Math.abs(exact - taylor)).toBeLessThan(1e-6);
      // Either side of the switch, the function differs by no more than its slope allows.
      const below = at(cbLogNormalizer, eta * (1 - 1e-4));
      const above = at(cbLogNormalizer, eta * (1 + 1e-4));
      expect(Math.abs(above - below)).toBeLessThan(1e-5);
      const meanBelow = at(cbMean, eta * (1 - 1e-4));
      const meanAbove = at(cbMean, eta * (1 + 1e-4));
      expect(Math.abs(meanAbove - meanBelow)).toBeLessThan(1e-5);
    }
    // And the series themselves, in float64: log 2 + η²/12 − 7η⁴/1440 against the exact value.
    const eta = CB_TAYLOR_CUTOFF;
    const series = Math.LN2 + (eta * eta) / 12 - (7 * eta ** 4) / 1440;
    expect(Math.abs(series - logCByHand(1 / (1 + Math.exp(-eta))))).toBeLessThan(1e-7);
  });

  it("its gradient is finite everywhere, λ = ½ included", () => {
    const g = tf.tidy(
      () =>
        tf
          .grad((t: tf.Tensor) => tf.sum(cbNll(t, tf.fill(t.shape, 0.3))))(tf.tensor1d([0, 1e-6, -0.1, CB_TAYLOR_CUTOFF, 3, -30, 30]))
          .arraySync() as number[],
    );
    for (const v of g) expect(Number.isFinite(v)).toBe(true);
    // Beyond the clip the logits get no gradient, as with PyTorch's clamped probabilities.
    expect(g[5]).toBe(0);
    expect(g[6]).toBe(0);
  });

  it("NLL = BCE − log C(λ) at hand-picked points, and through pixelLoss", () => {
    for (const [x, l] of [
      [0.3, 0.9],
      [0.8, 0.7],
      [0, 0.1],
      [1, 0.6],
      [0.5, 0.5],
      [0.2, 0.49],
    ]) {
      const nll = tf.tidy(() => cbNll(tf.tensor1d([logit(l)]), tf.tensor1d([x])).dataSync()[0]);
      expect(nll).toBeCloseTo(cbNllByHand(x, l), 5);
      const viaPixelLoss = tf.tidy(() => pixelLoss("cbernoulli", tf.tensor1d([logit(l)]), tf.tensor1d([x])).dataSync()[0]);
      expect(viaPixelLoss).toBe(nll);
    }
  });

  it("the density integrates to 1 over [0, 1] for several λ", () => {
    const n = 4000;
    const xs = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    for (const l of [0.02, 0.2, 0.45, 0.5, 0.51, 0.7, 0.9, 0.98]) {
      const integral = tf.tidy(() => {
        const logits = tf.fill([n], logit(l));
        return tf.sum(tf.exp(tf.neg(cbNll(logits, tf.tensor1d(xs))))).dataSync()[0] / n;
      });
      expect(integral).toBeCloseTo(1, 4);
    }
  });

  it("its mean is E[x] (λ = 0.9 has mean ≈ 0.67), not λ", () => {
    for (const l of [0.01, 0.1, 0.3, 0.45, 0.5, 0.55, 0.9, 0.99]) {
      expect(at(cbMean, logit(l))).toBeCloseTo(cbMeanByHand(l), 5);
    }
    expect(at(cbMean, logit(0.9))).toBeCloseTo(0.6699, 4);
    // The mean as a numerical integral of x·p(x), for one λ.
    const n = 4000;
    const xs = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const integral = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d(xs), tf.exp(tf.neg(cbNll(tf.fill([n], logit(0.9)), tf.tensor1d(xs)))))).dataSync()[0] / n);
    expect(at(cbMean, logit(0.9))).toBeCloseTo(integral, 4);
  });

  it("logits are clipped to λ ∈ [ε, 1 − ε], so the NLL of a black pixel is bounded", () => {
    const deep = tf.tidy(() => cbNll(tf.tensor1d([-1e4]), tf.tensor1d([0])).dataSync()[0]);
    const atLimit = tf.tidy(() => cbNll(tf.tensor1d([-CB_LOGIT_LIMIT]), tf.tensor1d([0])).dataSync()[0]);
    expect(deep).toBeCloseTo(atLimit, 5);
    expect(Number.isFinite(deep)).toBe(true);
    expect(at(cbMeanFromLogits, 1e4)).toBeCloseTo(at(cbMean, CB_LOGIT_LIMIT), 6);
  });
});

describe("Gaussian and Laplace", () => {
  const gaussByHand = (x: number, mu: number, s: number) => 0.5 * ((x - mu) / s) ** 2 + Math.log(s) + 0.5 * Math.log(2 * Math.PI);
  const laplaceByHand = (x: number, mu: number, b: number) => Math.abs(x - mu) / b + Math.log(2 * b);
  const nll = (f: typeof gaussianNll, x: number, mu: number, s: number) =>
    tf.tidy(() => f(tf.tensor1d([logit(mu)]), tf.tensor1d([x]), tf.scalar(Math.log(s))).dataSync()[0]);

  it("match their closed forms at hand-picked points", () => {
    for (const [x, mu, s] of [
      [0.8, 0.7, 0.1],
      [0, 0.3, 1],
      [1, 0.95, 0.05],
      [0.5, 0.5, 2],
    ]) {
      expect(nll(gaussianNll, x, mu, s)).toBeCloseTo(gaussByHand(x, mu, s), 4);
      expect(nll(laplaceNll, x, mu, s)).toBeCloseTo(laplaceByHand(x, mu, s), 4);
    }
  });

  it("mse is the Gaussian with σ² = ½ and l1 the Laplace with b = 1, minus a constant", () => {
    const [x, mu] = [0.8, 0.3];
    const mse = tf.tidy(() => pixelLoss("mse", tf.tensor1d([logit(mu)]), tf.tensor1d([x])).dataSync()[0]);
    const l1 = tf.tidy(() => pixelLoss("l1", tf.tensor1d([logit(mu)]), tf.tensor1d([x])).dataSync()[0]);
    expect(nll(gaussianNll, x, mu, Math.SQRT1_2) - mse).toBeCloseTo(0.5 * Math.log(Math.PI), 5);
    expect(nll(laplaceNll, x, mu, 1) - l1).toBeCloseTo(Math.LN2, 5);
  });

  it("the optimal scale is the batch's RMSE (gaussian) or mean absolute error (laplace), with no gradient through it", () => {
    const mus = [0.2, 0.6, 0.9, 0.5];
    const xs = [0.1, 0.9, 0.7, 0.5];
    const logits = tf.tensor1d(mus.map(logit));
    const target = tf.tensor1d(xs);
    const rmse = Math.sqrt(mus.reduce((s, m, i) => s + (xs[i] - m) ** 2, 0) / mus.length);
    const mae = mus.reduce((s, m, i) => s + Math.abs(xs[i] - m), 0) / mus.length;
    expect(Math.exp(optimalLogScale("gaussian", logits, target).dataSync()[0])).toBeCloseTo(rmse, 4);
    expect(Math.exp(optimalLogScale("laplace", logits, target).dataSync()[0])).toBeCloseTo(mae, 4);
    const g = tf
      .grad((t: tf.Tensor) => optimalLogScale("gaussian", t, target))(logits)
      .dataSync();
    expect([...g].map(Math.abs)).toEqual([0, 0, 0, 0]);
    // The NLL of an optimal-σ likelihood is the Gaussian NLL at that σ.
    const likelihood = buildLikelihood({ recon: "gaussian", scale: "optimal" });
    const byHand = mus.reduce((s, m, i) => s + gaussByHand(xs[i], m, rmse), 0);
    expect(likelihood.nllPerExample(tf.reshape(logits, [1, 4]), tf.reshape(target, [1, 4])).dataSync()[0]).toBeCloseTo(byHand, 3);
    expect(likelihood.diagnostics(logits, target)["likelihood/sigma"].dataSync()[0]).toBeCloseTo(rmse, 4);
    tf.dispose([logits, target]);
  });

  it("a fixed scale is used as given, and learned needs the decoder's weight", () => {
    const likelihood = buildLikelihood({ recon: "laplace", scale: 0.2 });
    const v = tf.tidy(() => likelihood.loss(tf.tensor2d([[logit(0.5), logit(0.25)]]), tf.tensor2d([[0.6, 0.25]])).dataSync()[0]);
    expect(v).toBeCloseTo(laplaceByHand(0.6, 0.5, 0.2) + laplaceByHand(0.25, 0.25, 0.2), 4);
    expect(() => buildLikelihood({ recon: "gaussian", scale: "learned" })).toThrow(/log-scale weight/);
    expect(() => buildLikelihood({ recon: "gaussian" })).toThrow(/needs a scale/);
  });

  it("which likelihoods are proper densities", () => {
    expect(["cbernoulli", "gaussian", "laplace"].every((r) => isProperDensity(r, false))).toBe(true);
    expect(isProperDensity("bce", false)).toBe(false);
    expect(isProperDensity("bce", true)).toBe(true);
    expect(isProperDensity("mse", true)).toBe(false);
  });
});

describe("importance-weighted log p(x)", () => {
  it("is exact for any k when q is the true posterior (z ~ N(0, 1), x | z ~ N(z, 1))", () => {
    // p(x) = N(x; 0, 2); the posterior is N(x/2, 1/2), so every importance weight equals p(x).
    const xs = [-1.5, 0, 0.7, 2];
    const x = tf.tensor1d(xs);
    const mean = tf.reshape(tf.div(x, 2), [4, 1]) as tf.Tensor2D;
    const logVariance = tf.fill([4, 1], Math.log(0.5)) as tf.Tensor2D;
    let seed = 1;
    const normal = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);
    const logLik = (z: tf.Tensor2D) =>
      tf.tidy(() => tf.sub(tf.mul(-0.5, tf.square(tf.sub(x, tf.reshape(z, [4])))), 0.5 * Math.log(2 * Math.PI)) as tf.Tensor1D);
    for (const k of [1, 5]) {
      const got = iwaeLogLikelihood(mean, logVariance, k, normal, logLik).arraySync();
      xs.forEach((v, i) => expect(got[i]).toBeCloseTo(-0.25 * v * v - 0.5 * Math.log(4 * Math.PI), 4));
    }
  });

  it("tightens with k for a worse q, towards log p(x)", () => {
    const x = tf.tensor1d([1]);
    const mean = tf.tensor2d([[0]]);
    const logVariance = tf.tensor2d([[0]]);
    let seed = 7;
    const normal = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", seed++);
    const logLik = (z: tf.Tensor2D) =>
      tf.tidy(() => tf.sub(tf.mul(-0.5, tf.square(tf.sub(x, tf.reshape(z, [1])))), 0.5 * Math.log(2 * Math.PI)) as tf.Tensor1D);
    const average = (k: number) =>
      Array.from({ length: 200 }, () => iwaeLogLikelihood(mean, logVariance, k, normal, logLik).dataSync()[0]).reduce((a, b) => a + b) / 200;
    const truth = -0.25 - 0.5 * Math.log(4 * Math.PI);
    const [k1, k50] = [average(1), average(50)];
    expect(k1).toBeLessThan(k50);
    expect(k50).toBeLessThan(truth + 0.01);
    expect(truth - k50).toBeLessThan(truth - k1);
  });
});

describe("the likelihood every variant trains on", () => {
  // ae+gan, vae+gan and aae took reconstructionLoss(recon) before they took their term from the likelihood.
  it("gives the parameter-free pixel losses' values and gradients bit for bit (bce, mse, l1, cbernoulli)", () => {
    const logits = tf.tidy(() => tf.mul(tf.randomNormal([3, 4, 4, 1], 0, 1, "float32", 7), 4));
    const target = tf.tidy(() => tf.randomUniform([3, 4, 4, 1], 0, 1, "float32", 8));
    for (const recon of ["bce", "mse", "l1", "cbernoulli"] as const) {
      const likelihood = buildLikelihood({ recon });
      const [shared, direct] = [(l: tf.Tensor) => likelihood.loss(l, target), (l: tf.Tensor) => reconstructionLoss(recon, l, target)].map((f) =>
        tf.tidy(() => [
          Array.from(f(logits).dataSync()),
          Array.from(
            tf
              .grad((l) => f(l))(logits)
              .dataSync(),
          ),
        ]),
      );
      expect(shared, recon).toEqual(direct);
    }
    tf.dispose([logits, target]);
  });
});
