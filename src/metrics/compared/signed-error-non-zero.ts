import type { ComparedMetric } from "../registry.js";

/**
 * Mean output minus target over pixels whose target is above 0. It selects pixels by their target, so
 * regression to the mean makes it negative for an unbiased model too: descriptive, not a test of bias.
 */
export const signedErrorNonZero: ComparedMetric = {
  name: "signedErrorNonZero",
  label: "signed error on non-zero targets",
  sesoi: "signedErrorNonZero",
  value: (m) => m.signedErrorNonZero,
};
