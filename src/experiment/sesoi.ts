import { comparedMetricNames, comparedMetric } from "../metrics/registry.js";

/**
 * Smallest effects of interest: per unit (the metrics measured alike share one, src/metrics/registry.ts), the
 * difference below which the report calls two groups equivalent ("no difference that matters"). An experiment
 * file sets them under `sesoi:` (and a comparison its own with `sesoi:`); these defaults apply to any unit it
 * leaves out, and a registered metric in a unit of its own brings its default. Intensities are in [0, 1].
 */
export const SESOI_DEFAULTS = {
  /** Pull toward 0.5 (mean |y - ½| - mean |x - ½|): 0.01 of the intensity range, about 2% of MNIST targets' own mean |x - ½|. */
  pullTowardHalf: 0.01,
  /** Gradient sharpness ratio (outputs / targets): 0.05, a twentieth of the targets' own sharpness. */
  sharpnessGradient: 0.05,
  /** Laplacian variance of the outputs: 0.01, about 5% of greyscale MNIST targets' own (0.185). */
  laplacianVariance: 0.01,
  /** Mean signed error (output - target): 1/255, one grey level of an 8-bit image. */
  signedError: 1 / 255,
  /** Mean signed error on pixels whose target is above 0: one grey level, as above. */
  signedErrorNonZero: 1 / 255,
  /** Share of output pixels in (0.1, 0.9): 0.02, two percentage points of the pixels. */
  midGreyOutput: 0.02,
  /** Wasserstein-1 between output and target intensities: 0.01 of the intensity range, as for the pull (W1 >= |pull|). */
  wasserstein: 0.01,
  /**
   * Reliability pull, mean sign(y - ½)(y - x): 0.01 of the intensity range, as for pullTowardHalf. An unbiased model
   * scores 0 in expectation (the class-mean oracle: about 0.0006 on MNIST); a VAE-MSE about -0.04.
   */
  reliabilityPull: 0.01,
  /** High-frequency energy ratio (outputs / targets): 0.05, as for the gradient ratio. */
  highFrequencyRatio: 0.05,
  /** Laplacian-variance ratio (outputs / targets): 0.05, as for the gradient ratio. */
  laplacianRatio: 0.05,
  /** Squared error summed over an image's pixels: 0.5, about 3% of a converged MNIST autoencoder's (~10-20 per image). */
  mse: 0.5,
} as const;

/** Smallest effects of interest by unit. */
export type Sesoi = Record<string, number>;

/** Every unit with its default: the table above, then the units registered metrics bring. */
export function sesoiDefaults(): Sesoi {
  const out: Sesoi = { ...SESOI_DEFAULTS };
  for (const name of comparedMetricNames()) {
    const m = comparedMetric(name);
    if (!(m.sesoi in out) && m.sesoiDefault !== undefined) out[m.sesoi] = m.sesoiDefault;
  }
  return out;
}

/** The defaults with an experiment file's values over them (an experiment.json written before `sesoi` existed has none). */
export function resolveSesoi(declared: Partial<Sesoi> | undefined): Sesoi {
  const given = Object.entries(declared ?? {}).filter((e): e is [string, number] => e[1] !== undefined);
  return { ...sesoiDefaults(), ...Object.fromEntries(given) };
}
