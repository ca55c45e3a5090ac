import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { DataError } from "../errors.js";
import { readIdxImages, readIdxLabels } from "../idx.js";
import type { Split } from "../split.js";

export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** True for a folder holding MNIST's training images file (plain or gzipped): the IDX layout. */
export function isIdxFolder(folder: string): boolean {
  return existsSync(join(folder, IDX_FILES.trainImages)) || existsSync(join(folder, `${IDX_FILES.trainImages}.gz`));
}

/** A folder in the MNIST / Fashion-MNIST IDX layout (each file optionally gzipped): greyscale, its own test split. */
export function loadIdxFolder(folder: string): { name: string; height: number; width: number; train: Split; test: Split; files: string[] } {
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
    height: train.height,
    width: train.width,
    train: train.split,
    test: test.split,
    files: Object.values(paths),
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
