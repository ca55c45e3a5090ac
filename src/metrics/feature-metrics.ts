import type { ImageShape } from "../data/index.js";
import type { FeatureSpaceIdentity } from "../config/feature-network-spec.js";
import { featuresOf, type FeatureExtractor } from "./classifier.js";
import { featureStats, frechetDistanceFromStats, type FeatureRows } from "./frechet.js";
import { kernelInceptionDistance } from "./kid.js";
import { improvedPrecisionRecall } from "./precision-recall.js";

/** The subset draws of KID: one fixed stream, so every run of a report is scored on the same subsets. */
const KID_SEED = "metrics/kid";

/** Scores of one image set against the real images, in one feature space. */
export interface FeatureSetScores {
  /** Frechet distance of Gaussians fitted to the two sets' features (FID's formula in this feature space). */
  fid: number;
  /** Unbiased KID (polynomial kernel), mean and spread over random subsets (kid.ts). */
  kid: { mean: number; std: number; subsets: number; subsetSize: number };
  /** Improved precision and recall, k = 3 (precision-recall.ts). */
  precision: number;
  recall: number;
}

/** Feature-space metrics of a run, and the identity of the feature space they were measured in. */
export interface FeatureMetrics {
  featureSpace: FeatureSpaceIdentity;
  /** Reconstructions of the test images against those images: rFID, KID, precision, recall. */
  reconstruction: FeatureSetScores;
  /** Decoded prior samples against the test images, for variants with a prior. */
  samples?: FeatureSetScores;
}

/**
 * rFID, KID, precision and recall of `outputs` (reconstructions of `targets`, flat pixels of `shape`) and,
 * where given, of prior `samples` (as many as targets), in the feature space of `network` (never the one a
 * perceptual loss trained through: FEATURE_SEEDS).
 */
export function featureMetrics(
  network: FeatureExtractor & { identity: FeatureSpaceIdentity },
  parts: { targets: Float32Array; outputs: Float32Array; samples?: Float32Array; shape: ImageShape },
): FeatureMetrics {
  const real = featuresOf(network, parts.targets, parts.shape);
  const realStats = featureStats(real, "test images' features");
  const score = (pixels: Float32Array, what: string): FeatureSetScores => {
    const rows = featuresOf(network, pixels, parts.shape);
    return scores(real, realStats, rows, what);
  };
  return {
    featureSpace: network.identity,
    reconstruction: score(parts.outputs, "reconstructions' features"),
    ...(parts.samples ? { samples: score(parts.samples, "samples' features") } : {}),
  };
}

function scores(real: FeatureRows, realStats: ReturnType<typeof featureStats>, rows: FeatureRows, what: string): FeatureSetScores {
  const kid = kernelInceptionDistance(real, rows, { seed: KID_SEED });
  const pr = improvedPrecisionRecall(real, rows);
  return {
    fid: frechetDistanceFromStats(featureStats(rows, what), realStats),
    kid: { mean: kid.mean, std: kid.std, subsets: kid.subsets, subsetSize: kid.subsetSize },
    precision: pr.precision,
    recall: pr.recall,
  };
}
