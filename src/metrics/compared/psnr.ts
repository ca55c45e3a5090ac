import type { ComparedMetric } from "../registry.js";

/** Mean of per-image PSNRs in dB (pixel-errors.ts); half a dB is the smallest change a reader of image-quality tables notices. */
export const psnr: ComparedMetric = {
  name: "psnr",
  label: "PSNR dB (mean of per-image)",
  sesoi: "psnr",
  sesoiDefault: 0.5,
  value: (m) => m.psnr,
};
