import type { ComparedMetric } from "../registry.js";

/** Bias conditional on the output (reliability.ts): 0 in expectation for any conditional-mean model, negative when outputs sit closer to ½ than what they stand for. */
export const reliabilityPull: ComparedMetric = {
  name: "reliabilityPull",
  label: "reliability pull (mean sign(y−½)·(y−x); 0 for an unbiased model)",
  sesoi: "reliabilityPull",
  value: (m) => m.reliability.pull,
};
