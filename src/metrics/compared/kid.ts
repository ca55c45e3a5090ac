import { orNaN, type ComparedMetric } from "../registry.js";

/** Reconstruction KID (unbiased, polynomial kernel) in aelab's evaluation feature network: the mean over subsets. */
export const kid: ComparedMetric = {
  name: "kid",
  label: "rKID (aelab feature network)",
  sesoi: "kid",
  sesoiDefault: 0.005,
  needsFeatures: true,
  value: (m) => orNaN(m.kid?.mean),
};
