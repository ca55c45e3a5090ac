import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { cachePath, readCache, writeCache, type CachedData, type CacheIdentity } from "./cache.js";
import { EMBEDDED_SIZE, loadEmbeddedDigits, splitEmbedded } from "./embedded-mnist.js";
import { DataError } from "./errors.js";
import { readArrayFile } from "./sources/array-file.js";
import type { ArrayLayout } from "./sources/array-layout.js";
import { isCifarFolder, readCifarFolder, type CifarLabels } from "./sources/cifar.js";
import type { DecodeProgress, OnError } from "./sources/decode-all.js";
import { IDX_FILES, isIdxFolder, loadIdxFolder } from "./sources/idx-folder.js";
import { loadImageFolder } from "./sources/image-folder.js";
import { changesShape, resizePixels, shapeAfter } from "./sources/resize-pixels.js";
import { SYNTH_DEFAULTS, SYNTH_SOURCE, synthSplits } from "./sources/synth.js";
import { takePrefix, type ImageShape, type Split } from "./split.js";
import { stratifiedSplit } from "./stratified-split.js";
import { sizeOf, type Fit, type TransformSpec } from "./transform-spec.js";

export interface Dataset {
  name: string;
  /** The `source` string it was loaded from, as given ("mnist", "synth", a folder or a file). */
  source: string;
  height: number;
  width: number;
  channels: number;
  train: Split;
  test: Split;
  /** Class names by label where the source names them (folders, CIFAR, synth, the digits). */
  classes?: string[];
  /** False for a source without labels (a flat folder, a .npy file): every label is 0, and label-based metrics are left out. */
  labelled: boolean;
}

export interface LoadOptions {
  /** Seeds the test split of sources without one (the embedded digits, folders and arrays without a test part). */
  seed: number;
  /** Sources without their own test split: the share held out as test. Default 1/6. */
  testFraction?: number;
  /** Keep only the first N train examples of the fixed order (at most all of them). */
  trainLimit?: number;
  /** Keep only the first N test examples of the fixed order (at most all of them). */
  testLimit?: number;
  /** Resize on load: one number for a square, or [height, width]. */
  size?: number | readonly [number, number];
  fit?: Fit;
  /** Convert on load to 1 (greyscale) or 3 (RGB) channels. */
  channels?: 1 | 3;
  /** .npy / .npz: the images array's axes where its shape leaves them ambiguous. */
  layout?: ArrayLayout;
  /** CIFAR-100: which label byte. */
  labels?: CifarLabels;
  /** An image file that does not decode: "fail" (default) or "skip". */
  onError?: OnError;
  /** Where decoded and resized data is cached (`<logdir>/.cache/data`); undefined: nothing is cached. */
  cacheDir?: string;
  /** Decoding or resizing progress, for a bar or a few lines. */
  progress?: DecodeProgress;
  /** Lines worth saying (files skipped, a cache rebuilt); each names the source. */
  log?: (line: string) => void;
}

export const EMBEDDED_SOURCE = "mnist";
const DEFAULT_TEST_FRACTION = 1 / 6;

/** What a source string names, in the order they are tried. */
export type SourceKind = "mnist" | "synth" | "array-file" | "idx" | "cifar" | "image-folder";

export function sourceKind(source: string): SourceKind {
  if (source === EMBEDDED_SOURCE) return "mnist";
  if (source === SYNTH_SOURCE) return "synth";
  if (!existsSync(source)) {
    throw new DataError(
      `dataset source "${source}" does not exist; give "${EMBEDDED_SOURCE}" (the embedded digits), "${SYNTH_SOURCE}" (generated shapes), a folder of images, a .npy or .npz file, a CIFAR binary folder, or a folder of IDX files (${Object.values(IDX_FILES).join(", ")})`,
    );
  }
  if (statSync(source).isFile()) {
    if ([".npy", ".npz"].includes(extname(source).toLowerCase())) return "array-file";
    throw new DataError(`dataset source "${source}" is a file but not .npy or .npz; give a folder of images, a .npy or .npz file, or a dataset folder`);
  }
  if (isIdxFolder(source)) return "idx";
  if (isCifarFolder(source)) return "cifar";
  return "image-folder";
}

/**
 * Loads `source` whole, shaped as `options` says: resized and converted on load, cut to a test split where
 * the source has none, then limited. Byte pixels stay bytes (folders, CIFAR, synth, uint8 arrays); the
 * embedded digits and IDX folders keep the floats they always had.
 */
export async function loadDataset(source: string, options: LoadOptions): Promise<Dataset> {
  checkOptions(options);
  const spec: TransformSpec = { size: sizeOf(options.size), fit: options.fit ?? "cover", channels: options.channels };
  const loaded = await loadSource(source, options, spec);
  const shape = shapeAfter(loaded, spec);
  const parts = changesShape(loaded, spec) ? await resized(source, loaded, spec, options) : { train: loaded.train, test: loaded.test };
  const { train, test } = parts.test
    ? { train: parts.train, test: parts.test }
    : stratifiedSplit(parts.train, options.seed, options.testFraction ?? DEFAULT_TEST_FRACTION, source);
  return {
    name: loaded.name,
    source,
    ...shape,
    classes: loaded.classes,
    labelled: loaded.labelled,
    train: options.trainLimit === undefined ? train : takePrefix(train, options.trainLimit),
    test: options.testLimit === undefined ? test : takePrefix(test, options.testLimit),
  };
}

/** A source as it is stored, before any resizing: its parts, shape, classes. */
interface Loaded extends ImageShape {
  name: string;
  train: Split;
  test?: Split;
  classes?: string[];
  labelled: boolean;
  /** The files the data came from, for the cache's manifest of a resized source. */
  files: string[];
  /** Whether its parts already depend on the seed (the embedded digits' split), so a resized copy is per seed. */
  splitBySeed?: boolean;
}

async function loadSource(source: string, options: LoadOptions, spec: TransformSpec): Promise<Loaded> {
  const log = options.log ?? (() => {});
  switch (sourceKind(source)) {
    case "mnist": {
      const { train, test } = splitEmbedded(await loadEmbeddedDigits(), options.seed, options.testFraction ?? DEFAULT_TEST_FRACTION);
      const digits = Array.from({ length: 10 }, (_, k) => String(k));
      return {
        name: "mnist",
        height: EMBEDDED_SIZE,
        width: EMBEDDED_SIZE,
        channels: 1,
        train,
        test,
        classes: digits,
        labelled: true,
        files: [],
        splitBySeed: true,
      };
    }
    case "synth": {
      const { trainCount, testCount, seed, size } = SYNTH_DEFAULTS;
      return { name: "synth", height: size, width: size, channels: 3, ...synthSplits(trainCount, testCount, seed, size), labelled: true, files: [] };
    }
    case "idx": {
      const idx = loadIdxFolder(source);
      return { ...idx, channels: 1, labelled: true };
    }
    case "cifar": {
      const cifar = readCifarFolder(source, options.labels ?? "fine");
      return { ...cifar, height: 32, width: 32, channels: 3, labelled: true };
    }
    case "array-file": {
      const arrays = readArrayFile(source, options.layout);
      for (const note of arrays.notes) log(note);
      return { ...arrays, files: [source] };
    }
    case "image-folder": {
      // The folder is decoded to the final shape directly (sharp resizes while it decodes), so no second pass follows.
      const folder = await loadImageFolder(source, { spec, onError: options.onError ?? "fail", cacheDir: options.cacheDir, progress: options.progress, log });
      return { ...folder, train: folder.parts.train, test: folder.parts.test, files: [] };
    }
  }
}

/** A stored source brought to spec's shape with sharp, cached like a decoded folder (keyed by the source files' sizes and times). */
async function resized(source: string, loaded: Loaded, spec: TransformSpec, options: LoadOptions): Promise<{ train: Split; test?: Split }> {
  const identity: CacheIdentity = {
    recipe: {
      kind: "resized",
      source: resolve(source),
      spec,
      labels: options.labels,
      layout: options.layout,
      seed: loaded.splitBySeed ? options.seed : undefined,
    },
    manifest: loaded.files.map((file) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return [resolve(file), stat?.size, stat?.mtimeMs];
    }),
  };
  const path = options.cacheDir ? cachePath(options.cacheDir, `${loaded.name}-resized`, identity) : undefined;
  if (path) {
    const cached = readCache(path, identity);
    if ("data" in cached) return cached.data.parts;
  }
  const total = loaded.train.count + (loaded.test?.count ?? 0);
  const train = await resizePixels(loaded.train, loaded, spec, options.progress, 0, total);
  const test = loaded.test ? await resizePixels(loaded.test, loaded, spec, options.progress, loaded.train.count, total) : undefined;
  if (path) {
    const shape = shapeAfter(loaded, spec);
    const data: CachedData = { ...shape, classes: loaded.classes, parts: { train, test }, notes: [] };
    const failed = writeCache(path, identity, data);
    if (failed) options.log?.(`${path}: not cached (${failed})`);
  }
  return { train, test };
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
