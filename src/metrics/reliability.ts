import { checkPair, type ImageSet } from "./image-set.js";

export interface ReliabilityBin {
  /** Outputs in [lo, hi); the last bin is [lo, 1]. */
  lo: number;
  hi: number;
  /** Pixels whose OUTPUT falls in the bin. */
  count: number;
  /** Mean output over those pixels; NaN when count is 0. */
  meanOutput: number;
  /** Mean target over those pixels; NaN when count is 0. */
  meanTarget: number;
  /** E[x - y | y in bin] = meanTarget - meanOutput: > 0 where the data are brighter than the model says. NaN when empty. */
  conditionalBias: number;
  /**
   * sd(x - y in bin) / sqrt(count): the bias's standard error if pixels were independent. They are not (pixels of one
   * image, and images of one model, share their errors), so read it as a lower bound, for error bars, not for tests.
   * NaN when count < 2.
   */
  standardError: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /**
   * Count-weighted mean of |conditionalBias| over the bins (the expected calibration error of a probabilistic
   * forecast): 0 for a calibrated model, but positive on finite data even then, by about the count-weighted mean of
   * standardError * sqrt(2 / pi); more bins raise that floor.
   */
  meanAbsBias: number;
  /**
   * Mean over pixels of sign(y - 1/2) * (y - x): negative = the outputs sit closer to 1/2 than the targets they
   * stand for (pulled toward 1/2), positive = pushed toward 0 and 1. Needs no bins: it is E[s(y) (y - x)] with s a
   * function of the output alone, so it is exactly 0 in expectation for any y = E[x | whatever the model saw],
   * unlike pullTowardHalf, which an unbiased model also scores negative (it shrinks toward the data mean).
   */
  pull: number;
  /** Pixels measured. */
  count: number;
}

/**
 * A reliability diagram of reconstructions: target intensity conditional on the OUTPUT, E[x | y in bin], in `bins`
 * equal bins over [0, 1], and two pooled summaries.
 *
 * Speaks to C4 ("an MSE-trained model is an unbiased estimate of its target"): the MSE minimiser is y = E[x | code],
 * so E[x - y | y] = 0 in every bin, and the `pull` is 0. Conditioning on the target instead (signedErrorByIntensity,
 * or the signed error on pixels with x > 0) selects on the outcome and shows regression to the mean even for an
 * unbiased model. Also speaks to C3 ("BCE pulls outputs toward 1/2"): a pulled model has `pull` < 0 and
 * conditionalBias < 0 below 1/2, > 0 above it. Throws on a pixel outside [0, 1] (outputs are sigmoid probabilities).
 */
export function reliability(outputs: ImageSet, targets: ImageSet, bins = 10): Reliability {
  checkPair(outputs, targets, "reliability");
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`reliability: bins must be a positive integer (got ${bins})`);
  const y = outputs.pixels;
  const x = targets.pixels;
  const count = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const sumX = new Float64Array(bins);
  const sumD = new Float64Array(bins);
  const sumD2 = new Float64Array(bins);
  let pull = 0;
  const edges = binEdges(bins);
  for (let i = 0; i < y.length; i++) {
    const yi = y[i];
    const xi = x[i];
    if (!(yi >= 0 && yi <= 1)) throw new Error(`reliability: outputs must lie in [0, 1] (got ${yi} at index ${i})`);
    if (!(xi >= 0 && xi <= 1)) throw new Error(`reliability: targets must lie in [0, 1] (got ${xi} at index ${i})`);
    const b = unitBin(yi, bins, edges);
    const d = xi - yi;
    count[b]++;
    sumY[b] += yi;
    sumX[b] += xi;
    sumD[b] += d;
    sumD2[b] += d * d;
    pull -= Math.sign(yi - 0.5) * d;
  }
  const n = y.length;
  let meanAbsBias = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    const bias = c > 0 ? sumD[b] / c : NaN;
    if (c > 0) meanAbsBias += (c / n) * Math.abs(bias);
    // Sample variance of x - y in the bin (ddof 1), clamped: the one-pass formula can dip below 0 by rounding.
    const variance = c > 1 ? Math.max(0, (sumD2[b] - c * bias * bias) / (c - 1)) : NaN;
    out.push({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: c,
      meanOutput: c > 0 ? sumY[b] / c : NaN,
      meanTarget: c > 0 ? sumX[b] / c : NaN,
      conditionalBias: bias,
      standardError: Math.sqrt(variance / c),
    });
  }
  return { bins: out, meanAbsBias, pull: pull / n, count: n };
}

/**
 * The bin of v in [0, 1] among `bins` equal bins, the last closed, with edges compared at float32 precision (the
 * pixels' own), as signedErrorByIntensity does: an output stored as 0.7 lands in [0.7, 0.8).
 */
function unitBin(v: number, bins: number, edges: Float64Array): number {
  let b = Math.min(Math.floor(v * bins), bins - 1);
  while (b > 0 && v < edges[b]) b--;
  while (b < bins - 1 && v >= edges[b + 1]) b++;
  return b;
}

/** The bins' edges k / bins at float32 precision, computed once per call rather than per pixel. */
function binEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = Math.fround(k / bins);
  return edges;
}
