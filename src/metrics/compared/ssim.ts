import type { ComparedMetric } from "../registry.js";

/** Structural similarity of outputs and targets (ssim.ts); a hundredth is about what separates two seeds of one model. */
export const ssim: ComparedMetric = {
  name: "ssim",
  label: "SSIM",
  sesoi: "ssim",
  sesoiDefault: 0.01,
  value: (m) => m.ssim,
};
