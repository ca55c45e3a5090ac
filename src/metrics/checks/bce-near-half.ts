import { ratioNearHalf } from "../analytic.js";
import type { AnalyticCheck } from "../registry.js";

/** Near a target of ½, BCE minus its minimum is about twice the squared error: holds where the ratio at d = 0.01 is within 0.01 of 2. */
export const bceNearHalf: AnalyticCheck = {
  name: "bce-near-half",
  rows: (format) => {
    const ratios = ratioNearHalf();
    const near = ratios.find((r) => r.delta === 0.01) ?? ratios[0];
    const far = ratios.find((r) => r.delta === 0.2) ?? ratios[ratios.length - 1];
    return [
      {
        comparison: "target 0.5, prediction 0.5 ± d",
        metric: "(BCE − min) / squared error",
        effect: `${format(near.ratio, 5)} at d = ${near.delta}; ${format(far.ratio, 3)} at d = ${far.delta}`,
        test: "analytic (−½ ln(1 − 4d²) / d² → 2)",
        holds: Math.abs(near.ratio - 2) < 0.01,
      },
    ];
  },
};
