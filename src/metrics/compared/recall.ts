import { orNaN, type ComparedMetric } from "../registry.js";

/** Improved recall (k = 3) of reconstructions against the test images: how much of the real images' variety they cover. */
export const recall: ComparedMetric = {
  name: "recall",
  label: "recall (k = 3)",
  sesoi: "precisionRecall",
  sesoiDefault: 0.02,
  needsFeatures: true,
  value: (m) => orNaN(m.recall),
};
