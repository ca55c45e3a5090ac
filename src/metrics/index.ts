export * from "./classifier.js";
export { classMeanOracle, classMeans, type ClassMeans } from "./class-mean-oracle.js";
export { RealDft2d } from "./dft.js";
export * from "./frechet.js";
export { checkImageSet, checkPair, type ImageSet } from "./image-set.js";
export { intensityHistogram, midGreyShare, pullTowardHalf, signedError, signedErrorByIntensity, wasserstein1, type IntensityBin } from "./intensity.js";
export { kernelInceptionDistance, KID_SUBSET_SIZE, KID_SUBSETS, polynomialMmd2, sampleSubset, type Kid, type KidOptions } from "./kid.js";
export { LFD_PIXEL_RANGE, logFrequencyDistance } from "./lfd.js";
export { MS_SSIM_WEIGHTS, msSsim, msSsimScales, type MsSsim } from "./ms-ssim.js";
export { pixelErrors, PSNR_CAP_DB, type PixelErrors } from "./pixel-errors.js";
export { improvedPrecisionRecall, PRECISION_RECALL_K, type PrecisionRecall } from "./precision-recall.js";
export { DEFAULT_PUSH_STRENGTHS, pushFromHalf, pushSweep, type PushRow } from "./push-from-half.js";
export { reliability, type Reliability, type ReliabilityBin } from "./reliability.js";
export { sharpness, sharpnessRatio, type Sharpness } from "./sharpness.js";
export {
  meanLogSpectrum,
  radialSpectrumDistance,
  SPECTRUM_POWER_FLOOR,
  type RadialSpectrumDistance,
  type SpectrumNormalisation,
} from "./spectral-distance.js";
export {
  DEFAULT_HIGH_FREQUENCY_CUTOFF,
  highFrequencyEnergy,
  highFrequencyRatio,
  radialBins,
  radialPowerSpectrum,
  type HighFrequencyRatio,
  type RadialBins,
  type RadialSpectrum,
} from "./spectrum.js";
export { gaussianWindow, SSIM_WINDOW, ssim, ssimPlaneSums, type SsimSums } from "./ssim.js";
export { meanStd, oneSampleComparison, pairedComparison, type TTest } from "./stats.js";
