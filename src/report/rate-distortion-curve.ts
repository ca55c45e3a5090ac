/** One point of a rate–distortion curve: the rate (KL, nats per image) and a metric measured at it. */
export interface CurvePoint {
  rate: number;
  value: number;
}

/** The rates a curve spans: its smallest and largest finite, positive rate. */
export interface RateRange {
  lo: number;
  hi: number;
}

/** Points with a finite, positive rate, in increasing rate (a log axis has no place for a rate of 0). */
function usable(points: readonly CurvePoint[]): CurvePoint[] {
  return points.filter((p) => Number.isFinite(p.rate) && p.rate > 0).sort((a, b) => a.rate - b.rate);
}

/** The range of rates a curve covers, or undefined with fewer than two distinct usable rates (a point is no curve). */
export function rateRange(points: readonly CurvePoint[]): RateRange | undefined {
  const p = usable(points);
  if (p.length < 2 || p[0].rate === p[p.length - 1].rate) return undefined;
  return { lo: p[0].rate, hi: p[p.length - 1].rate };
}

/**
 * The metric at `rate`, piecewise linear in log rate between the curve's neighbouring points (rate spans
 * orders of magnitude along a β sweep, and distortion is close to linear in log rate there). Undefined
 * outside the curve's range: a comparison never extrapolates. NaN where a neighbour's value is not finite.
 */
export function interpolateAtRate(points: readonly CurvePoint[], rate: number): number | undefined {
  const p = usable(points);
  const range = rateRange(p);
  if (!range || !(rate >= range.lo && rate <= range.hi)) return undefined;
  const x = Math.log(rate);
  for (let i = 0; i < p.length - 1; i++) {
    const a = p[i];
    const b = p[i + 1];
    if (rate > b.rate) continue;
    if (rate === a.rate) return a.value;
    if (rate === b.rate) return b.value;
    const t = (x - Math.log(a.rate)) / (Math.log(b.rate) - Math.log(a.rate));
    return a.value + t * (b.value - a.value);
  }
  return p[p.length - 1].value;
}

/** Where every range covers: undefined when they share no interval of positive width. */
export function commonRange(ranges: readonly RateRange[]): RateRange | undefined {
  if (ranges.length === 0) return undefined;
  const lo = Math.max(...ranges.map((r) => r.lo));
  const hi = Math.min(...ranges.map((r) => r.hi));
  // A single shared rate (touching ends) is no overlap to compare along: it would rest on two end points.
  return hi > lo * (1 + 1e-9) ? { lo, hi } : undefined;
}

/** `count` rates spread evenly in log rate strictly inside the range (its ends rest on one β alone). */
export function matchedRates(range: RateRange, count: number): number[] {
  const lo = Math.log(range.lo);
  const hi = Math.log(range.hi);
  return Array.from({ length: count }, (_, i) => Math.exp(lo + ((i + 1) * (hi - lo)) / (count + 1)));
}
