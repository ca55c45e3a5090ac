import { orNaN, type ComparedMetric } from "../registry.js";

/**
 * Reconstruction FID: the Frechet distance of reconstructions to the test images in aelab's evaluation feature
 * network (src/features/), not Inception's: comparable between runs on one dataset, not with published FIDs. Its
 * smallest effect of interest, 0.5, is about 8% of what an MLP AE-MSE scores on MNIST after 6 epochs (6.2,
 * experiments/examples/perceptual-arm.yaml).
 */
export const rfid: ComparedMetric = {
  name: "rfid",
  label: "rFID (aelab feature network)",
  sesoi: "rfid",
  sesoiDefault: 0.5,
  needsFeatures: true,
  value: (m) => orNaN(m.rfid),
};
