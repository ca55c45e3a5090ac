import type { ComparedMetric } from "../registry.js";

/** Log frequency distance of reconstructions to their targets (Jiang et al. 2021), mean over image pairs. */
export const lfd: ComparedMetric = {
  name: "lfd",
  label: "LFD",
  sesoi: "lfd",
  sesoiDefault: 0.05,
  value: (m) => m.lfd,
};
