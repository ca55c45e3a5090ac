import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { RunConfig } from "../config/schema.js";
import { batches, binarize, dataCacheDir, identityOrder, loadDataset, type Dataset, type FloatSplit, type Split, unitFloats } from "../data/index.js";
import {
  classifierAccuracy,
  datasetKey,
  featuresOf,
  frechetDistance,
  intensityHistogram,
  loadOrTrainClassifier,
  midGreyShare,
  highFrequencyRatio,
  pixelErrors,
  pullTowardHalf,
  pushSweep,
  reliability,
  sharpness,
  sharpnessRatio,
  signedError,
  signedErrorByIntensity,
  ssim,
  wasserstein1,
  type FeatureClassifier,
  type ImageSet,
} from "../metrics/index.js";
import type { RunMetrics } from "../metrics/measured.js";
import { gaussianKlPerDimension } from "../losses/kl.js";
import type { Variant } from "../models/variant.js";
import { Rng, streamFor } from "../random/rng.js";
import { loadRun } from "../train/load-run.js";
import { seededNoise } from "../train/noise.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import { withCacheLock } from "../util/cache-lock.js";
import type { FeatureMetrics } from "../metrics/feature-metrics.js";
import { evalMetrics } from "./eval-metrics.js";
import { readExperimentRecord, type ExperimentRecord } from "../experiment/record.js";
import { comparedMetric, comparedMetricNames } from "../metrics/registry.js";
import { loadOrTrainFeatureNetwork, type FeatureNetwork } from "../features/feature-network.js";
import { FEATURE_SEEDS } from "../config/feature-network-spec.js";
import { featureCacheDir } from "../features/cache-dir.js";

export type { RunMetrics } from "../metrics/measured.js";

/** Bump when what is measured changes, so cached metrics.json files are recomputed. */
export const METRICS_VERSION = 5;

/** Bins of the reliability diagram (target intensity conditional on the output). */
export const RELIABILITY_BINS = 10;

/** Push strengths of the push sweep: each greyscale run's outputs y become sigmoid(k logit y); k = 1 is the outputs as trained. */
export const PUSH_STRENGTHS: readonly number[] = [1, 2, 3, 5];

/** A run's measured metrics, beside its checkpoint. */
export const METRICS_FILE = "metrics.json";

/** JSON has no NaN or Infinity (JSON.stringify writes null, which arithmetic reads as 0): they are written as these strings. */
const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity"]);

/** metrics.json's text: non-finite numbers kept as "NaN", "Infinity", "-Infinity". */
export function metricsJson(metrics: RunMetrics): string {
  return `${JSON.stringify(metrics, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? String(value) : value))}\n`;
}

/**
 * metrics.json read back: the non-finite strings become numbers again, and a null (what files written
 * before this encoding hold for a non-finite number) becomes NaN: not finite, value unknown, never 0.
 */
export function parseMetricsJson(text: string): RunMetrics {
  return JSON.parse(text, (key, value: unknown) => {
    if (value === null) return NaN;
    if (typeof value === "string" && key !== "run" && NON_FINITE.has(value)) return Number(value);
    return value;
  }) as RunMetrics;
}

/** How many of the values are NaN or infinite. */
function countNonFinite(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (!Number.isFinite(v)) n++;
  return n;
}

/** The test split a run evaluated on: the same split, limit and binarized targets as during training. */
export function runTestTargets(config: RunConfig, dataset: Dataset): FloatSplit {
  return { ...dataset.test, images: binarize(dataset.test.images, config.data.binarize, streamFor(config.seed, "test-binarize"), config.data.threshold) };
}

function asImageSet(pixels: Float32Array, count: number, dataset: Pick<Dataset, "height" | "width" | "channels">): ImageSet {
  return { pixels, count, height: dataset.height, width: dataset.width, channels: dataset.channels };
}

/** Runs `fn` over the split in batches and concatenates its per-image outputs (probabilities). */
function mapImages(split: Split, shape: Pick<Dataset, "height" | "width" | "channels">, fn: (x: tf.Tensor4D) => tf.Tensor): Float32Array {
  const perImage = shape.height * shape.width * shape.channels;
  const out = new Float32Array(split.count * perImage);
  let offset = 0;
  for (const batch of batches(split, 256, identityOrder(split.count), shape)) {
    const y = tf.tidy(() => fn(batch.x));
    out.set(y.dataSync(), offset);
    offset += y.size;
    tf.dispose([y, batch.x]);
  }
  return out;
}

export function reconstructions(variant: Variant, split: Split, shape: Pick<Dataset, "height" | "width" | "channels">): Float32Array {
  return mapImages(split, shape, (x) => tf.sigmoid(variant.reconstructLogits(x)));
}

/** Mean KL of q(z | x) to N(0, I) over the split, in nats per image; undefined for an encoder without a log-variance. */
export function testRate(variant: Variant, split: Split, shape: Pick<Dataset, "height" | "width" | "channels">): number | undefined {
  let total = 0;
  for (const batch of batches(split, 256, identityOrder(split.count), shape)) {
    const kl = tf.tidy(() => {
      const { embedding, logVariance } = variant.encode(batch.x);
      return logVariance ? tf.sum(gaussianKlPerDimension(embedding, logVariance)) : undefined;
    });
    batch.x.dispose();
    if (!kl) return undefined;
    total += kl.dataSync()[0];
    kl.dispose();
  }
  return total / split.count;
}

/** Decoded prior draws, as many as the split has images, from a fixed stream (the same draws for every run). */
export function priorSamples(variant: Variant, count: number): Float32Array | undefined {
  const prior = variant.prior;
  if (!prior) return undefined;
  const noise = seededNoise(new Rng("report/prior-samples"));
  const chunks: Float32Array[] = [];
  for (let done = 0; done < count; done += 256) {
    const n = Math.min(256, count - done);
    const images = tf.tidy(() => variant.generate(prior.sample(n, noise)));
    chunks.push(images.dataSync() as Float32Array);
    images.dispose();
  }
  const out = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** featureMetrics as RunMetrics's flat fields (the registry reads one number per field). */
export function flatFeatureMetrics(
  m: FeatureMetrics,
): Pick<RunMetrics, "featureSpace" | "rfid" | "kid" | "precision" | "recall" | "sampleFid" | "sampleKid" | "samplePrecision" | "sampleRecall"> {
  const { reconstruction: r, samples: s } = m;
  return {
    featureSpace: m.featureSpace,
    rfid: r.fid,
    kid: { mean: r.kid.mean, std: r.kid.std },
    precision: r.precision,
    recall: r.recall,
    ...(s ? { sampleFid: s.fid, sampleKid: { mean: s.kid.mean, std: s.kid.std }, samplePrecision: s.precision, sampleRecall: s.recall } : {}),
  };
}

/** The metrics of one run from its reconstructions (pure given its inputs; the loader below does the I/O). */
export function measure(parts: {
  run: string;
  step: number;
  targets: FloatSplit;
  /** The same test images without binarization (the greyscale data every run's outputs are also compared with). */
  greyTargets: Float32Array;
  /** Whether the run trained on the greyscale images themselves (then the push sweep is measured). */
  greyscale: boolean;
  outputs: Float32Array;
  samples?: Float32Array;
  /** KL in nats per image on the same test images (testRate), for variants with a Gaussian code. */
  rate?: number;
  shape: Pick<Dataset, "height" | "width" | "channels">;
  /** Undefined for unlabelled data: the classifier's metrics are left out. */
  classifier: FeatureClassifier | undefined;
  /** The evaluation feature network (rFID, KID, precision, recall); undefined: those are left out. */
  features?: FeatureNetwork;
}): RunMetrics {
  const { targets, shape, classifier } = parts;
  const broken = countNonFinite(parts.outputs);
  // Every metric of such outputs is NaN or throws (the Frechet distance does): a degenerate run, reported as such.
  if (broken > 0) throw new Error(`degenerate run: ${broken} of its ${parts.outputs.length} reconstructed pixel values are not finite`);
  const x = asImageSet(targets.images, targets.count, shape);
  const y = asImageSet(parts.outputs, targets.count, shape);
  const errors = pixelErrors(y, x);
  const hist = { output: intensityHistogram(y.pixels), target: intensityHistogram(x.pixels) };
  const targetFeatures = classifier ? featuresOf(classifier, x.pixels, shape) : undefined;
  const grey = asImageSet(parts.greyTargets, targets.count, shape);
  const calibration = reliability(y, x, RELIABILITY_BINS);
  const extra = evalMetrics({ targets: x.pixels, outputs: y.pixels, samples: parts.samples, count: targets.count, shape }, parts.features);
  const metrics: RunMetrics = {
    version: METRICS_VERSION,
    run: parts.run,
    step: parts.step,
    examples: targets.count,
    ...errors,
    ssim: ssim(y, x),
    sharpnessRatio: sharpnessRatio(y, x),
    outputSharpness: sharpness(y),
    pullTowardHalf: pullTowardHalf(y, x),
    signedError: signedError(y, x),
    signedErrorNonZero: signedError(y, x, { minTarget: 0 }),
    byIntensity: signedErrorByIntensity(y, x, 10),
    wasserstein: wasserstein1(y.pixels, x.pixels),
    midGreyOutput: midGreyShare(y.pixels),
    midGreyTarget: midGreyShare(x.pixels),
    histogram: { edges: hist.output.edges, output: hist.output.counts, target: hist.target.counts },
    reliability: { pull: calibration.pull, meanAbsBias: calibration.meanAbsBias, bins: calibration.bins },
    highFrequencyRatio: { ownTargets: highFrequencyRatio(y, x).ratio, greyTargets: highFrequencyRatio(y, grey).ratio },
    sharpnessVsGrey: sharpnessRatio(y, grey),
    msssim: extra.images.msssim,
    lfd: extra.images.lfd,
    spectrumDistance: extra.images.spectrumDistance,
    ...(extra.features ? flatFeatureMetrics(extra.features) : {}),
  };
  if (classifier && targetFeatures) {
    const accuracyOn = (pixels: Float32Array) =>
      tf.tidy(() => classifierAccuracy(classifier, tf.tensor4d(pixels, [targets.count, shape.height, shape.width, shape.channels]), targets.labels));
    metrics.classifierAccuracy = accuracyOn(y.pixels);
    metrics.targetClassifierAccuracy = accuracyOn(x.pixels);
    metrics.reconstructionFrechet = frechetDistance(featuresOf(classifier, y.pixels, shape), targetFeatures);
  }
  if (parts.rate !== undefined) metrics.rate = parts.rate;
  if (parts.greyscale) metrics.pushSweep = pushSweep(y, grey, PUSH_STRENGTHS);
  if (parts.samples) {
    const s = asImageSet(parts.samples, targets.count, shape);
    if (classifier && targetFeatures) metrics.sampleFrechet = frechetDistance(featuresOf(classifier, s.pixels, shape), targetFeatures);
    metrics.sampleSharpness = sharpness(s);
  }
  return metrics;
}

export interface MeasureContext {
  /** Where dataset classifiers are trained once and cached. */
  classifierCache: string;
  /** Where decoded datasets are cached (a run's own, when the report runs beside its training). */
  dataCache?: string;
  /** Where the evaluation feature networks are trained once and cached; without it the feature metrics (rFID, KID, precision, recall) are left out. */
  featureCache?: string;
  /** Ignore metrics.json caches. */
  recompute?: boolean;
  log?: (line: string) => void;
}

const datasets = new Map<string, Promise<Dataset>>();
const classifiers = new Map<string, Promise<FeatureClassifier>>();
const featureNetworks = new Map<string, Promise<FeatureNetwork>>();
const unlabelledSaid = new Set<string>();

/** Runs with the same key are measured on the same dataset split, hence with the same classifier. */
export function datasetCacheKey(config: RunConfig): string {
  const { source, testFraction, trainLimit, testLimit, size, fit, channels, layout, labels, onError } = config.data;
  return JSON.stringify([source, config.seed, testFraction, trainLimit, testLimit, size, fit, channels, layout, labels, onError]);
}

/**
 * The dataset split a run was trained and tested on, its dataset's classifier and its evaluation feature network:
 * loaded once per report for all runs that share them.
 */
export async function measuringKit(
  config: RunConfig,
  context: MeasureContext,
): Promise<{ dataset: Dataset; classifier: FeatureClassifier | undefined; features: FeatureNetwork | undefined }> {
  const dataKey = datasetCacheKey(config);
  if (!datasets.has(dataKey)) {
    datasets.set(dataKey, loadDataset(config.data.source, { ...config.data, seed: config.seed, cacheDir: context.dataCache }));
  }
  const dataset = await datasets.get(dataKey)!;
  const features = await evaluationFeatures(dataset, dataKey, context);
  return { dataset, classifier: await datasetClassifier(dataset, dataKey, context), features };
}

/** The evaluation feature network of the dataset (FEATURE_SEEDS.evaluation), trained once per cache; undefined without a featureCache. */
async function evaluationFeatures(dataset: Dataset, dataKey: string, context: MeasureContext): Promise<FeatureNetwork | undefined> {
  const cache = context.featureCache;
  if (cache === undefined) return undefined;
  if (!featureNetworks.has(dataKey)) {
    const seed = FEATURE_SEEDS.evaluation;
    const load = () => loadOrTrainFeatureNetwork(cache, dataset, { seed, log: context.log });
    featureNetworks.set(dataKey, withCacheLock(cache, `${datasetKey(dataset)}-s${seed}`, load, context.log));
  }
  return featureNetworks.get(dataKey)!;
}

async function datasetClassifier(dataset: Dataset, dataKey: string, context: MeasureContext): Promise<FeatureClassifier | undefined> {
  if (!dataset.labelled) {
    if (!unlabelledSaid.has(dataKey))
      context.log?.(
        `${dataset.source}: the images have no labels, so the classifier's metrics (classifier accuracy, its Frechet distances) are left out; the feature network learns a self-supervised task instead`,
      );
    unlabelledSaid.add(dataKey);
    return undefined;
  }
  if (!classifiers.has(dataKey)) {
    // Locked: another process (a report worker) may be training this dataset's classifier right now.
    const train = () => loadOrTrainClassifier(context.classifierCache, dataset, { seed: 1, log: context.log });
    classifiers.set(dataKey, withCacheLock(context.classifierCache, datasetKey(dataset), train, context.log));
  }
  return classifiers.get(dataKey)!;
}

/**
 * `<run>/metrics.json` when it was measured at checkpoint step `step` by this metrics version, and, where
 * `withFeatures`, in a feature network (a report that needs none measures without one).
 */
function readCachedMetrics(runDir: string, step: number, withFeatures: boolean): RunMetrics | undefined {
  const cachePath = join(runDir, METRICS_FILE);
  if (!existsSync(cachePath)) return undefined;
  const cached = parseMetricsJson(readFileSync(cachePath, "utf8"));
  if (withFeatures && cached.featureSpace === undefined) return undefined;
  return cached.version === METRICS_VERSION && cached.step === step ? cached : undefined;
}

/** Whether the experiment's claims compare a metric measured in the feature network (its record says; false without one). */
export function claimsNeedFeatures(experimentDir: string): boolean {
  let claims: ExperimentRecord["claims"];
  try {
    claims = readExperimentRecord(experimentDir).claims;
  } catch {
    return false;
  }
  const names = (claims ?? []).flatMap((claim) => (claim.comparisons ?? []).flatMap((c) => (typeof c.metric === "string" ? [c.metric] : (c.metric ?? []))));
  return names.some((name) => comparedMetricNames().includes(name) && comparedMetric(name).needsFeatures === true);
}

/** Where a report trains and keeps its dataset classifiers: shared by every experiment under one logdir. */
export function classifierCacheOf(experimentDir: string): string {
  return join(dirname(experimentDir), ".cache", "classifiers");
}

/** The caches a report of `experimentDir` measures with: classifiers and decoded data, both shared under its logdir. */
export function measureCachesOf(experimentDir: string): Pick<MeasureContext, "classifierCache" | "dataCache" | "featureCache"> {
  const caches = { classifierCache: classifierCacheOf(experimentDir), dataCache: dataCacheDir(dirname(experimentDir)) };
  // The feature metrics cost a network per dataset and seconds per run: measured where a claim uses them.
  return claimsNeedFeatures(experimentDir) ? { ...caches, featureCache: featureCacheDir(dirname(experimentDir)) } : caches;
}

/** The run's metrics.json when it holds this checkpoint's metrics (what runMetrics would return unmeasured). */
export async function cachedRunMetrics(runDir: string, withFeatures = false): Promise<RunMetrics | undefined> {
  if (!existsSync(join(runDir, METRICS_FILE))) return undefined;
  // The checkpoint's step is only known by loading it, as runMetrics does.
  const run = await loadRun(runDir);
  try {
    return readCachedMetrics(runDir, run.checkpoint.step, withFeatures);
  } finally {
    run.variant.dispose();
  }
}

/**
 * The metrics of the run in `runDir`, from its checkpoint; cached in `<run>/metrics.json` and reused
 * while the checkpoint's step and the metrics version are unchanged.
 */
export async function runMetrics(runDir: string, context: MeasureContext): Promise<RunMetrics> {
  const cachePath = join(runDir, METRICS_FILE);
  const run = await loadRun(runDir);
  try {
    if (!context.recompute) {
      const cached = readCachedMetrics(runDir, run.checkpoint.step, context.featureCache !== undefined);
      if (cached) return cached;
    }
    const { config } = run;
    const { dataset, classifier, features } = await measuringKit(config, context);
    const targets = runTestTargets(config, dataset);
    const metrics = measure({
      run: runDir,
      step: run.checkpoint.step,
      targets,
      greyTargets: unitFloats(dataset.test.images),
      greyscale: config.data.binarize === "none",
      outputs: reconstructions(run.variant, targets, run.shape),
      samples: priorSamples(run.variant, targets.count),
      rate: testRate(run.variant, targets, run.shape),
      shape: run.shape,
      classifier,
      features,
    });
    writeFileAtomic(cachePath, metricsJson(metrics));
    return metrics;
  } finally {
    run.variant.dispose();
  }
}

/** Frees the datasets and classifiers kept between runs of one report. */
export async function releaseMeasureCaches(): Promise<void> {
  // One that failed to load or train has nothing to free (its error was reported by the run that asked).
  for (const c of classifiers.values()) (await c.catch(() => undefined))?.dispose();
  classifiers.clear();
  for (const f of featureNetworks.values()) (await f.catch(() => undefined))?.dispose();
  featureNetworks.clear();
  datasets.clear();
  unlabelledSaid.clear();
}
