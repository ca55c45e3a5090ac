import { orNaN, type ComparedMetric } from "../registry.js";

/**
 * Reconstruction FID: the Frechet distance of reconstructions to the test images in aelab's evaluation feature
 * network (src/features/), not Inception's: comparable between runs on one dataset, not with published FIDs.
 */
export const rfid: ComparedMetric = {
  name: "rfid",
  label: "rFID (aelab feature network)",
  sesoi: "rfid",
  sesoiDefault: 0.5,
  needsFeatures: true,
  value: (m) => orNaN(m.rfid),
};
