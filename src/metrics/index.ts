export * from "./classifier.js";
export * from "./frechet.js";
export { checkImageSet, checkPair, type ImageSet } from "./image-set.js";
export { intensityHistogram, midGreyShare, pullTowardHalf, signedError, signedErrorByIntensity, wasserstein1, type IntensityBin } from "./intensity.js";
export { pixelErrors, PSNR_CAP_DB, type PixelErrors } from "./pixel-errors.js";
export { sharpness, sharpnessRatio, type Sharpness } from "./sharpness.js";
export { gaussianWindow, ssim } from "./ssim.js";
export { meanStd, oneSampleComparison, pairedComparison, type TTest } from "./stats.js";
