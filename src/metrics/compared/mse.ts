import type { ComparedMetric } from "../registry.js";

/** Squared error summed over an image's pixels, mean over images (the training losses' convention): the distortion. */
export const mse: ComparedMetric = {
  name: "mse",
  label: "MSE (sum per image)",
  sesoi: "mse",
  value: (m) => m.mse,
};
