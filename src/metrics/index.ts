export * from "./classifier.js";
export { classMeanOracle, classMeans, type ClassMeans } from "./class-mean-oracle.js";
export * from "./frechet.js";
export { checkImageSet, checkPair, type ImageSet } from "./image-set.js";
export { intensityHistogram, midGreyShare, pullTowardHalf, signedError, signedErrorByIntensity, wasserstein1, type IntensityBin } from "./intensity.js";
export { pixelErrors, PSNR_CAP_DB, type PixelErrors } from "./pixel-errors.js";
export { DEFAULT_PUSH_STRENGTHS, pushFromHalf, pushSweep, type PushRow } from "./push-from-half.js";
export { reliability, type Reliability, type ReliabilityBin } from "./reliability.js";
export { sharpness, sharpnessRatio, type Sharpness } from "./sharpness.js";
export {
  DEFAULT_HIGH_FREQUENCY_CUTOFF,
  highFrequencyEnergy,
  highFrequencyRatio,
  radialPowerSpectrum,
  type HighFrequencyRatio,
  type RadialSpectrum,
} from "./spectrum.js";
export { gaussianWindow, ssim } from "./ssim.js";
export { meanStd, oneSampleComparison, pairedComparison, type TTest } from "./stats.js";
