/**
 * Holm's step-down adjustment (Holm 1979) of a family of p-values: the i-th smallest of m is multiplied
 * by (m - i + 1), made non-decreasing, capped at 1. Rejecting where the adjusted p < alpha keeps the
 * chance of any false rejection in the family <= alpha, under any dependence between the tests.
 * NaN entries (tests that could not be run) stay NaN and are not counted in m.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const order = p
    .map((value, index) => ({ value, index }))
    .filter((e) => !Number.isNaN(e.value))
    .sort((a, b) => a.value - b.value);
  const m = order.length;
  const adjusted = p.map(() => NaN);
  let running = 0;
  order.forEach(({ value, index }, i) => {
    running = Math.max(running, Math.min(1, (m - i) * value));
    adjusted[index] = running;
  });
  return adjusted;
}
