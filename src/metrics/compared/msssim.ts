import type { ComparedMetric } from "../registry.js";

/** MS-SSIM of reconstructions to their targets, over as many scales as the images fit (ms-ssim.ts). */
export const msssim: ComparedMetric = {
  name: "msssim",
  label: "MS-SSIM",
  sesoi: "msssim",
  sesoiDefault: 0.01,
  value: (m) => m.msssim,
};
