import type { ComparedMetric } from "../registry.js";

/**
 * The gradient sharpness ratio against the greyscale test images, whatever the run trained on: thresholded
 * targets are sharper than greyscale ones, so against their own targets a comparison would restate that.
 */
export const sharpnessVsGrey: ComparedMetric = {
  name: "sharpnessVsGrey",
  label: "sharpness ratio (gradient) against the greyscale targets",
  sesoi: "sharpnessGradient",
  value: (m) => m.sharpnessVsGrey.gradient,
};
