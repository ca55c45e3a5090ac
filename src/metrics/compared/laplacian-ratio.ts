import type { ComparedMetric } from "../registry.js";

/** Laplacian variance of the outputs over the targets' (sharpness.ts): hard edges raise it more than the gradient ratio. */
export const laplacianRatio: ComparedMetric = {
  name: "laplacianRatio",
  label: "Laplacian-variance ratio (outputs / targets)",
  sesoi: "laplacianRatio",
  value: (m) => m.sharpnessRatio.laplacianVariance,
};
