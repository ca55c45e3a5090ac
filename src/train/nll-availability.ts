import { isProperDensity } from "../losses/likelihoods/index.js";

/** The variants with a Gaussian q(z | x) and an N(0, I) prior: whatever else trains them, a VAE's model of x. */
const GAUSSIAN_LATENT = ["vae", "vae+gan", "vaegan"];

/** Whether log p(x) can be estimated for a run, and why not. */
export function nllAvailability(variant: string, recon: string, binarized: boolean): { available: boolean; reason?: string } {
  if (!GAUSSIAN_LATENT.includes(variant)) return { available: false, reason: `log p(x) needs a VAE's q(z | x) (variant ${variant})` };
  if (!isProperDensity(recon, binarized)) {
    return {
      available: false,
      reason: `recon ${recon}${recon === "bce" ? " on greyscale targets" : ""} is not a normalised density (use cbernoulli, gaussian, laplace, or bce on binarized data)`,
    };
  }
  return { available: true };
}
