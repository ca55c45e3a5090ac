import { orNaN, type ComparedMetric } from "../registry.js";

/**
 * KL(q(z|x) ‖ p(z)) in nats per image on the test split: the rate a Gaussian code spends (NaN for variants
 * without one). Its own unit: half a nat is small next to the tens of nats an MNIST VAE spends.
 */
export const rate: ComparedMetric = {
  name: "rate",
  label: "rate: KL(q(z|x) ‖ p(z)), nats per image",
  sesoi: "rate",
  sesoiDefault: 0.5,
  value: (m) => orNaN(m.rate),
};
