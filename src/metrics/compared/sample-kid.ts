import { orNaN, type ComparedMetric } from "../registry.js";

/** KID of decoded prior samples against the test images, in aelab's evaluation feature network; NaN without a prior. */
export const sampleKid: ComparedMetric = {
  name: "sampleKid",
  label: "sample KID (aelab feature network)",
  sesoi: "kid",
  sesoiDefault: 0.05,
  needsFeatures: true,
  value: (m) => orNaN(m.sampleKid?.mean),
};
