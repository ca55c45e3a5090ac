import type { ComparedMetric } from "../registry.js";

/**
 * Mean |y − ½| of the outputs minus that of the targets. Conditioned on the targets, so an unbiased model also
 * scores it negative (it shrinks toward the data mean): the reliability pull is the test of bias.
 */
export const pullTowardHalf: ComparedMetric = {
  name: "pullTowardHalf",
  label: "pull to ½ (target-based: mean |y − ½| − mean |x − ½|)",
  sesoi: "pullTowardHalf",
  value: (m) => m.pullTowardHalf,
};
