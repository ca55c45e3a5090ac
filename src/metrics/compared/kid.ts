import { orNaN, type ComparedMetric } from "../registry.js";

/**
 * Reconstruction KID (unbiased, polynomial kernel) in aelab's evaluation feature network: the mean over subsets. Its
 * smallest effect of interest, 0.05, is about 5% of what an MLP AE-MSE scores on MNIST after 6 epochs (1.07,
 * experiments/examples/perceptual-arm.yaml): the unnormalised 128-unit ReLU features put KID near 1, not Inception's 1e-3.
 */
export const kid: ComparedMetric = {
  name: "kid",
  label: "rKID (aelab feature network)",
  sesoi: "kid",
  sesoiDefault: 0.05,
  needsFeatures: true,
  value: (m) => orNaN(m.kid?.mean),
};
