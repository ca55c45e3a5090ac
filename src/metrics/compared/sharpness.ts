import type { ComparedMetric } from "../registry.js";

/** Mean gradient magnitude of the outputs over the targets' (sharpness.ts): below 1 blurrier than the data. */
export const sharpness: ComparedMetric = {
  name: "sharpness",
  label: "sharpness ratio (gradient, outputs / targets)",
  sesoi: "sharpnessGradient",
  value: (m) => m.sharpnessRatio.gradient,
};
