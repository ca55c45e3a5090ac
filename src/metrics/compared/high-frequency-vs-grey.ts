import type { ComparedMetric } from "../registry.js";

/** The high-frequency energy ratio against the greyscale test images (see sharpness-vs-grey.ts for why). */
export const highFrequencyVsGrey: ComparedMetric = {
  name: "highFrequencyVsGrey",
  label: "high-frequency energy ratio against the greyscale targets",
  sesoi: "highFrequencyRatio",
  value: (m) => m.highFrequencyRatio.greyTargets,
};
