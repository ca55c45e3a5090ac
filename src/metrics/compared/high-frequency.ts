import type { ComparedMetric } from "../registry.js";

/** High-frequency energy of the outputs' power spectrum over that of their own targets (spectrum.ts). */
export const highFrequency: ComparedMetric = {
  name: "highFrequency",
  label: "high-frequency energy ratio (outputs / targets)",
  sesoi: "highFrequencyRatio",
  value: (m) => m.highFrequencyRatio.ownTargets,
};
