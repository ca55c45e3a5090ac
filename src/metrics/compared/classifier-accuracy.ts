import { orNaN, type ComparedMetric } from "../registry.js";

/** The dataset classifier's accuracy on the reconstructions: how recognisable they stay (classifier.ts). */
export const classifierAccuracy: ComparedMetric = {
  name: "classifierAccuracy",
  label: "classifier accuracy on the reconstructions",
  sesoi: "classifierAccuracy",
  sesoiDefault: 0.02,
  value: (m) => orNaN(m.classifierAccuracy),
};
