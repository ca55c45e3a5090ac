import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { EMBEDDED_SIZE, loadEmbeddedDigits, splitEmbedded } from "./embedded-mnist.js";
import { DataError } from "./errors.js";
import { readIdxImages, readIdxLabels } from "./idx.js";
import { takePrefix, type Split } from "./split.js";

export interface Dataset {
  name: string;
  /** The `source` string it was loaded from, as given ("mnist" or a folder path). */
  source: string;
  height: number;
  width: number;
  channels: number;
  train: Split;
  test: Split;
}

export interface LoadOptions {
  /** Seeds the embedded mnist train/test split; folder datasets keep their files' order. */
  seed: number;
  /** Embedded mnist only (folders come with their own test set, so it is ignored there). Default 1/6. */
  testFraction?: number;
  /** Keep only the first N train examples of the fixed order (at most all of them). */
  trainLimit?: number;
  /** Keep only the first N test examples of the fixed order (at most all of them). */
  testLimit?: number;
}

export const EMBEDDED_SOURCE = "mnist";
const DEFAULT_TEST_FRACTION = 1 / 6;

const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/**
 * "mnist" loads the 10,000 digits embedded in the `mnist` package, split by `splitEmbedded`;
 * any other source is a folder in the MNIST / Fashion-MNIST IDX layout (each file optionally gzipped).
 */
export async function loadDataset(source: string, options: LoadOptions): Promise<Dataset> {
  checkOptions(options);
  const dataset = source === EMBEDDED_SOURCE ? await loadEmbedded(options) : loadIdxFolder(source);
  return {
    ...dataset,
    train: options.trainLimit === undefined ? dataset.train : takePrefix(dataset.train, options.trainLimit),
    test: options.testLimit === undefined ? dataset.test : takePrefix(dataset.test, options.testLimit),
  };
}

function checkOptions(options: LoadOptions): void {
  if (!Number.isFinite(options.seed)) throw new DataError(`seed must be a finite number (got ${options.seed})`);
  for (const key of ["trainLimit", "testLimit"] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new DataError(`${key} must be a positive integer (got ${v})`);
    }
  }
}

async function loadEmbedded(options: LoadOptions): Promise<Dataset> {
  const { train, test } = splitEmbedded(await loadEmbeddedDigits(), options.seed, options.testFraction ?? DEFAULT_TEST_FRACTION);
  return { name: "mnist", source: EMBEDDED_SOURCE, height: EMBEDDED_SIZE, width: EMBEDDED_SIZE, channels: 1, train, test };
}

function loadIdxFolder(folder: string): Dataset {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new DataError(
      `dataset source "${folder}" is neither "${EMBEDDED_SOURCE}" (the embedded digits) nor a folder; ` +
        `give a folder holding ${Object.values(IDX_FILES).join(", ")} (each optionally .gz)`,
    );
  }
  const paths = findIdxFiles(folder);
  const train = readPair(paths.trainImages, paths.trainLabels);
  const test = readPair(paths.testImages, paths.testLabels);
  if (train.height !== test.height || train.width !== test.width) {
    throw new DataError(
      `${paths.trainImages} has ${train.height}x${train.width} images but ${paths.testImages} has ${test.height}x${test.width}; ` +
        `train and test must come from the same dataset`,
    );
  }
  return {
    name: basename(resolve(folder)),
    source: folder,
    height: train.height,
    width: train.width,
    channels: 1,
    train: train.split,
    test: test.split,
  };
}

function findIdxFiles(folder: string): Record<keyof typeof IDX_FILES, string> {
  const found: Partial<Record<keyof typeof IDX_FILES, string>> = {};
  const missing: string[] = [];
  for (const [key, name] of Object.entries(IDX_FILES) as [keyof typeof IDX_FILES, string][]) {
    // The uncompressed file wins when both exist: it is the same data and skips the gunzip.
    const path = [join(folder, name), join(folder, `${name}.gz`)].find((p) => existsSync(p));
    if (path === undefined) missing.push(`${name}[.gz]`);
    else found[key] = path;
  }
  if (missing.length > 0) {
    throw new DataError(`${folder}: missing ${missing.join(", ")} (an IDX dataset folder needs all four MNIST-layout files)`);
  }
  return found as Record<keyof typeof IDX_FILES, string>;
}

function readPair(imagesPath: string, labelsPath: string): { height: number; width: number; split: Split } {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (images.count !== labels.count) {
    throw new DataError(`${imagesPath} holds ${images.count} images but ${labelsPath} holds ${labels.count} labels`);
  }
  return {
    height: images.height,
    width: images.width,
    split: { images: toUnitFloat(images.data), labels: labels.data, count: images.count },
  };
}

function toUnitFloat(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}
