import type { FeatureSpaceIdentity } from "../config/feature-network-spec.js";
import type { PushRow } from "./push-from-half.js";
import type { ReliabilityBin } from "./reliability.js";

/** Everything the report says of one run, measured on its test split (its own binarized targets). */
export interface RunMetrics {
  version: number;
  run: string;
  step: number;
  examples: number;
  mse: number;
  bce: number;
  l1: number;
  psnr: number;
  ssim: number;
  /** Outputs' sharpness over the targets' (1 = as sharp as the data, < 1 blurrier). */
  sharpnessRatio: { gradient: number; laplacianVariance: number };
  /** Outputs' own sharpness, not relative: hard edges show as a high Laplacian variance. */
  outputSharpness: { gradient: number; laplacianVariance: number };
  /** Mean |y - 0.5| of outputs minus that of targets: negative = pulled toward 0.5. */
  pullTowardHalf: number;
  signedError: number;
  /** Mean signed error on pixels whose target is above 0 (MNIST is mostly exact zeros). */
  signedErrorNonZero: number;
  byIntensity: Array<{ lo: number; hi: number; count: number; meanSignedError: number; meanAbsError: number }>;
  wasserstein: number;
  midGreyOutput: number;
  midGreyTarget: number;
  histogram: { edges: number[]; output: number[]; target: number[] };
  /** The dataset classifier's accuracy on the reconstructions (how recognisable they stay); absent for unlabelled data (no classifier). */
  classifierAccuracy?: number;
  /** Its accuracy on the test targets themselves: what classifierAccuracy can be read against (absent in metrics measured before it was recorded). */
  targetClassifierAccuracy?: number;
  /** Frechet distance in the classifier's feature space, reconstructions vs targets; absent for unlabelled data. */
  reconstructionFrechet?: number;
  /** Same for decoded prior samples vs targets; absent for variants without a prior. */
  sampleFrechet?: number;
  sampleSharpness?: { gradient: number; laplacianVariance: number };
  /**
   * Target intensity conditional on the OUTPUT: `pull` = mean sign(y - ½)(y - x), 0 in expectation for a
   * conditional-mean (unbiased) model, negative when outputs sit closer to ½ than what they stand for.
   */
  reliability: { pull: number; meanAbsBias: number; bins: ReliabilityBin[] };
  /** High-frequency energy of the outputs over that of the run's own targets, and over that of the greyscale targets. */
  highFrequencyRatio: { ownTargets: number; greyTargets: number };
  /** Sharpness ratios against the greyscale test images, whatever the run trained on (thresholded targets are sharper). */
  sharpnessVsGrey: { gradient: number; laplacianVariance: number };
  /** The push sweep (runs trained on greyscale targets only): the outputs pushed away from ½ by each k, against the same targets. */
  pushSweep?: PushRow[];
  /** MS-SSIM over as many scales as the images fit (ms-ssim.ts), mean over images and channels. */
  msssim: number;
  /** Log frequency distance (Jiang et al. 2021), mean over image pairs (lfd.ts). */
  lfd: number;
  /** Distance of the outputs' mean normalised radial log power spectrum from the targets' (spectral-distance.ts). */
  spectrumDistance: number;
  /** The feature network (src/features/, the evaluation seed) the metrics below were measured in; absent where none was (eval --no-features). */
  featureSpace?: FeatureSpaceIdentity;
  /** Frechet distance of reconstructions to the test images in that feature space (rFID). */
  rfid?: number;
  /** Unbiased KID of reconstructions to the test images: mean and std over subsets. */
  kid?: { mean: number; std: number };
  /** Improved precision and recall (k = 3) of reconstructions against the test images. */
  precision?: number;
  recall?: number;
  /** The same four for decoded prior samples, for variants with a prior. */
  sampleFid?: number;
  sampleKid?: { mean: number; std: number };
  samplePrecision?: number;
  sampleRecall?: number;
  /**
   * The rate: KL(q(z | x) || p(z)) in nats per image, mean over the test images, measured on the same images and
   * checkpoint as the distortion (mse); absent for variants without a Gaussian code.
   */
  rate?: number;
}
