import type { ComparedMetric } from "../registry.js";

/** Wasserstein-1 distance between the output and target intensity distributions (intensity.ts). */
export const wasserstein: ComparedMetric = {
  name: "wasserstein",
  label: "Wasserstein-1, output vs target intensities",
  sesoi: "wasserstein",
  value: (m) => m.wasserstein,
};
