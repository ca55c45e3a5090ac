import { orNaN, type ComparedMetric } from "../registry.js";

/** FID of decoded prior samples against the test images, in aelab's evaluation feature network; NaN without a prior. */
export const sampleFid: ComparedMetric = {
  name: "sampleFid",
  label: "sample FID (aelab feature network)",
  sesoi: "rfid",
  sesoiDefault: 0.5,
  needsFeatures: true,
  value: (m) => orNaN(m.sampleFid),
};
