/**
 * What per-pixel BCE and squared error charge for a prediction p against a
 * greyscale target t in [0, 1], computed exactly with plain Math (no tensors, no training).
 */

/** Binary cross-entropy of prediction p in (0, 1) against target t in [0, 1], in nats. */
export const bce = (target: number, p: number): number => -(xlogy(target, p) + xlogy(1 - target, 1 - p));

/** x * log(y) with 0 * log(0) = 0, so a binary target (t = 0 or 1) has a finite minimum at p = t. */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/**
 * BCE(t, p) - BCE(t, t): the penalty above the loss's own minimum, which lies at p = t. For a target
 * strictly between 0 and 1 the minimum is the target's entropy, not 0, so raw BCE and squared error are
 * not comparable; the excess is (it is the KL divergence between Bernoulli(t) and Bernoulli(p)).
 */
export function bceExcess(target: number, p: number): number {
  // Written as a KL divergence rather than a difference of two BCEs: no cancellation near p = t.
  return xlogy(target, target / p) + xlogy(1 - target, (1 - target) / (1 - p));
}

export function squaredError(target: number, p: number): number {
  return (p - target) ** 2;
}

/** C1 at one target: predicting `lower` or `upper`, the same distance either side of it. */
export interface AsymmetryCheck {
  target: number;
  lower: number;
  upper: number;
  bceLower: number;
  bceUpper: number;
  /** Which prediction BCE charges more. */
  costlier: "lower" | "upper";
  mseLower: number;
  mseUpper: number;
}

/** C1's example points: target 0.8 predicted as 0.7 or 0.9; target 0.3 predicted as 0.2 or 0.4. */
export const ASYMMETRY_EXAMPLES: ReadonlyArray<{ target: number; lower: number; upper: number }> = [
  { target: 0.8, lower: 0.7, upper: 0.9 },
  { target: 0.3, lower: 0.2, upper: 0.4 },
];

/**
 * C1: BCE around a non-binary target is asymmetric. The two predictions are equally far from the target,
 * so squared error charges both the same; BCE charges more for the one closer to the nearer end of [0, 1].
 */
export function asymmetryChecks(examples = ASYMMETRY_EXAMPLES): AsymmetryCheck[] {
  return examples.map(({ target, lower, upper }) => {
    const bceLower = bce(target, lower);
    const bceUpper = bce(target, upper);
    return {
      target,
      lower,
      upper,
      bceLower,
      bceUpper,
      costlier: bceUpper > bceLower ? "upper" : "lower",
      mseLower: squaredError(target, lower),
      mseUpper: squaredError(target, upper),
    };
  });
}

export interface RatioRow {
  /** Distance of the prediction from the target 0.5. */
  delta: number;
  bceExcess: number;
  squaredError: number;
  /** bceExcess / squaredError; exactly -0.5 ln(1 - 4 d^2) / d^2, which tends to 2 as d -> 0. */
  ratio: number;
}

export const RATIO_DELTAS: readonly number[] = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4];

/**
 * C2: near a target of 0.5, BCE's excess is about twice the squared error. At t = 0.5 and p = 0.5 + d,
 * BCE - min = -0.5 ln(1 - 4 d^2) = 2 d^2 + 4 d^4 + ..., so the ratio is 2 + 4 d^2 + ...: 2 in the limit,
 * growing with d. Both signs of d give the same value (the loss is symmetric around 0.5).
 */
export function ratioNearHalf(deltas: readonly number[] = RATIO_DELTAS): RatioRow[] {
  return deltas.map((delta) => {
    if (!(delta > 0 && delta < 0.5)) throw new RangeError(`ratioNearHalf: every delta must lie in (0, 0.5) (got ${delta})`);
    const excess = bceExcess(0.5, 0.5 + delta);
    const se = squaredError(0.5, 0.5 + delta);
    return { delta, bceExcess: excess, squaredError: se, ratio: excess / se };
  });
}

/** The closed form of C2's ratio, -0.5 ln(1 - 4 d^2) / d^2 (log1p keeps it exact for small d). */
export function ratioClosedForm(delta: number): number {
  return (-0.5 * Math.log1p(-4 * delta * delta)) / (delta * delta);
}

export interface PenaltyCurve {
  target: number;
  bce: Array<{ x: number; y: number }>;
  mse: Array<{ x: number; y: number }>;
}

/**
 * Excess BCE and squared error against the prediction, at `steps` evenly spaced points strictly inside
 * (0, 1) (BCE is infinite at the ends for a non-binary target).
 */
export function penaltyCurves(targets: readonly number[] = [0.3, 0.5, 0.8], steps = 199): PenaltyCurve[] {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`penaltyCurves: steps must be a whole number >= 2 (got ${steps})`);
  const xs = Array.from({ length: steps }, (_, i) => (i + 1) / (steps + 1));
  return targets.map((target) => {
    if (!(target >= 0 && target <= 1)) throw new RangeError(`penaltyCurves: every target must lie in [0, 1] (got ${target})`);
    return {
      target,
      bce: xs.map((x) => ({ x, y: bceExcess(target, x) })),
      mse: xs.map((x) => ({ x, y: squaredError(target, x) })),
    };
  });
}

/**
 * The limit of bceExcess / squaredError as p -> t, 1 / (2 t (1 - t)): BCE's curvature at its minimum
 * relative to squared error's. It is smallest, 2, at t = 0.5 (C2) and grows toward the ends of [0, 1].
 */
export function localRatio(target: number): number {
  return 1 / (2 * target * (1 - target));
}
