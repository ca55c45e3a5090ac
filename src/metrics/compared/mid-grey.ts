import type { ComparedMetric } from "../registry.js";

/** The share of output pixels strictly between 0.1 and 0.9 (intensity.ts). */
export const midGrey: ComparedMetric = {
  name: "midGrey",
  label: "share of outputs in (0.1, 0.9)",
  sesoi: "midGreyOutput",
  value: (m) => m.midGreyOutput,
};
