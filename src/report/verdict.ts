/** What a measured comparison's numbers say about its claim. */
export type Outcome = "supported" | "contradicted" | "equivalent" | "inconclusive";

/**
 * The claimed relation of a difference a - b: "<" or ">" (a direction), or "= 0" (no difference that
 * matters, e.g. "MSE is unbiased").
 */
export type Claimed = "<" | ">" | "= 0";

export interface Evidence {
  claimed: Claimed;
  meanDiff: number;
  /** p of the two-sided difference test (Holm-adjusted where the row is in the family). */
  pDifference: number;
  /** p of the equivalence test against the smallest effect of interest (likewise adjusted). */
  pEquivalence: number;
  alpha: number;
}

/**
 * The verdict from a difference test and an equivalence test (Lakens 2017's four cases):
 * - equivalence rejects (the difference is shown smaller than the smallest effect of interest either
 *   way): "equivalent", even if the difference test also rejects (a real but negligible difference);
 *   for a claim of "= 0" that is what the claim says, so "supported";
 * - otherwise a significant difference: "supported" in the claimed direction, "contradicted" the other
 *   way (or at all, for "= 0");
 * - neither: "inconclusive" (too few seeds or too much spread to tell). NaN p-values land here.
 */
export function decide(e: Evidence): Outcome {
  if (e.pEquivalence < e.alpha) return e.claimed === "= 0" ? "supported" : "equivalent";
  if (e.pDifference < e.alpha) {
    if (e.claimed === "= 0") return "contradicted";
    return (e.claimed === "<" ? e.meanDiff < 0 : e.meanDiff > 0) ? "supported" : "contradicted";
  }
  return "inconclusive";
}
