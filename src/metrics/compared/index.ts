import type { ComparedMetric } from "../registry.js";
import { rfid } from "./rfid.js";
import { kid } from "./kid.js";
import { precision } from "./precision.js";
import { recall } from "./recall.js";
import { sampleFid } from "./sample-fid.js";
import { sampleKid } from "./sample-kid.js";
import { msssim } from "./msssim.js";
import { lfd } from "./lfd.js";
import { spectrumDistance } from "./spectrum-distance.js";
import { classifierAccuracy } from "./classifier-accuracy.js";
import { highFrequency } from "./high-frequency.js";
import { highFrequencyVsGrey } from "./high-frequency-vs-grey.js";
import { laplacianRatio } from "./laplacian-ratio.js";
import { midGrey } from "./mid-grey.js";
import { mse } from "./mse.js";
import { psnr } from "./psnr.js";
import { pullTowardHalf } from "./pull-toward-half.js";
import { pushGradient } from "./push-gradient.js";
import { pushHighFrequency } from "./push-high-frequency.js";
import { pushLaplacian } from "./push-laplacian.js";
import { pushMse } from "./push-mse.js";
import { rate } from "./rate.js";
import { reliabilityPull } from "./reliability-pull.js";
import { sharpness } from "./sharpness.js";
import { sharpnessVsGrey } from "./sharpness-vs-grey.js";
import { signedError } from "./signed-error.js";
import { signedErrorNonZero } from "./signed-error-non-zero.js";
import { ssim } from "./ssim.js";
import { wasserstein } from "./wasserstein.js";

/** The metrics aelab registers (registry.ts): a new one is a file here, a line below, and a test. */
export const BUILT_IN_METRICS: readonly ComparedMetric[] = [
  reliabilityPull,
  sharpness,
  laplacianRatio,
  highFrequency,
  sharpnessVsGrey,
  highFrequencyVsGrey,
  signedError,
  signedErrorNonZero,
  pullTowardHalf,
  midGrey,
  wasserstein,
  mse,
  psnr,
  ssim,
  classifierAccuracy,
  rate,
  pushGradient,
  pushLaplacian,
  pushHighFrequency,
  pushMse,
  rfid,
  kid,
  precision,
  recall,
  sampleFid,
  sampleKid,
  msssim,
  lfd,
  spectrumDistance,
];
