import { asymmetryChecks } from "../analytic.js";
import type { AnalyticCheck } from "../registry.js";

/**
 * BCE around a non-binary target charges two predictions equally far from it unequally (more for the one
 * nearer the closer end of [0, 1]); squared error charges both alike. Holds where BCE charges more for that one.
 */
export const bceAsymmetry: AnalyticCheck = {
  name: "bce-asymmetry",
  rows: (format) =>
    asymmetryChecks().map((c) => ({
      comparison: `target ${c.target}: predict ${c.upper} vs ${c.lower}`,
      metric: "BCE (squared error)",
      effect: `${format(c.bceUpper, 4)} vs ${format(c.bceLower, 4)} (${format(c.mseUpper, 4)} vs ${format(c.mseLower, 4)})`,
      test: "analytic",
      holds: c.costlier === (c.target > 0.5 ? "upper" : "lower"),
    })),
};
