import { orNaN, type ComparedMetric } from "../registry.js";

/** Improved precision (k = 3) of reconstructions against the test images: how much of them lies where real images do. */
export const precision: ComparedMetric = {
  name: "precision",
  label: "precision (k = 3)",
  sesoi: "precisionRecall",
  sesoiDefault: 0.02,
  needsFeatures: true,
  value: (m) => orNaN(m.precision),
};
