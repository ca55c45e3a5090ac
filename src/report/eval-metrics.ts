import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ImageShape } from "../data/index.js";
import type { FeatureNetwork } from "../features/feature-network.js";
import { featureMetrics, type FeatureMetrics } from "../metrics/feature-metrics.js";
import type { ImageSet } from "../metrics/image-set.js";
import { logFrequencyDistance } from "../metrics/lfd.js";
import { msSsim } from "../metrics/ms-ssim.js";
import { pixelErrors } from "../metrics/pixel-errors.js";
import { radialSpectrumDistance } from "../metrics/spectral-distance.js";
import { ssim } from "../metrics/ssim.js";
import { EventFileWriter } from "../tensorboard/index.js";

/** Image metrics of reconstructions against their targets: fidelity and frequency content. */
export interface ImageMetrics {
  psnr: number;
  ssim: number;
  msssim: number;
  /** How many scales MS-SSIM used (as many as the images fit). */
  msssimScales: number;
  lfd: number;
  spectrumDistance: number;
}

/** What `aelab eval` measures beyond the test losses. */
export interface EvalMetrics {
  images: ImageMetrics;
  /** Absent with --no-features. */
  features?: FeatureMetrics;
}

/** The events file `aelab eval` writes into a run folder: its own, replaced by each eval, so the training file is never touched. */
export const EVAL_EVENTS_SUFFIX = ".aelab-eval";

export function evalMetrics(
  parts: { targets: Float32Array; outputs: Float32Array; samples?: Float32Array; count: number; shape: ImageShape },
  network: FeatureNetwork | undefined,
): EvalMetrics {
  const set = (pixels: Float32Array): ImageSet => ({ pixels, count: parts.count, ...parts.shape });
  const y = set(parts.outputs);
  const x = set(parts.targets);
  const ms = msSsim(y, x);
  const images: ImageMetrics = {
    psnr: pixelErrors(y, x).psnr,
    ssim: ssim(y, x),
    msssim: ms.value,
    msssimScales: ms.scales,
    lfd: logFrequencyDistance(y, x),
    spectrumDistance: radialSpectrumDistance(y, x).distance,
  };
  if (!network) return { images };
  return { images, features: featureMetrics(network, { targets: parts.targets, outputs: parts.outputs, samples: parts.samples, shape: parts.shape }) };
}

/** The metrics as test/* scalar tags and values (snake_case, as the training's own test tags). */
export function evalScalars(metrics: EvalMetrics): Array<[string, number]> {
  const { images, features } = metrics;
  const out: Array<[string, number]> = [
    ["test/psnr", images.psnr],
    ["test/ssim", images.ssim],
    ["test/msssim", images.msssim],
    ["test/lfd", images.lfd],
    ["test/spectrum_distance", images.spectrumDistance],
  ];
  if (features) {
    const r = features.reconstruction;
    out.push(["test/rfid", r.fid], ["test/kid", r.kid.mean], ["test/kid_std", r.kid.std], ["test/precision", r.precision], ["test/recall", r.recall]);
    const s = features.samples;
    if (s)
      out.push(
        ["test/sample_fid", s.fid],
        ["test/sample_kid", s.kid.mean],
        ["test/sample_kid_std", s.kid.std],
        ["test/sample_precision", s.precision],
        ["test/sample_recall", s.recall],
      );
  }
  return out;
}

/**
 * Writes the metrics into the run's TensorBoard at the checkpoint's step, in an events file of their own
 * (EVAL_EVENTS_SUFFIX), and removes the one an earlier eval wrote only once the new one is closed: the
 * training's file is never touched, and an interrupted eval leaves the previous numbers in place.
 */
export async function logEvalMetrics(runDir: string, step: number, metrics: EvalMetrics): Promise<string> {
  const earlier = readdirSync(runDir).filter((f) => f.includes("tfevents") && f.endsWith(EVAL_EVENTS_SUFFIX));
  const writer = new EventFileWriter(runDir, { filenameSuffix: EVAL_EVENTS_SUFFIX });
  for (const [tag, value] of evalScalars(metrics)) writer.scalar(tag, value, step);
  if (metrics.features) {
    const id = metrics.features.featureSpace;
    writer.text(
      "test/feature_space",
      `rFID, KID, precision and recall are measured in aelab's own feature network \`${id.key}\` (objective ${id.objective}, seed ${id.seed}, ${id.epochs} epochs, spec v${id.specVersion}; test ${id.objective} accuracy ${(id.testAccuracy * 100).toFixed(2)}%), not Inception: comparable between runs on this dataset, not with published FIDs.`,
      step,
    );
  }
  await writer.close();
  for (const file of earlier) rmSync(join(runDir, file), { force: true });
  return writer.path;
}
