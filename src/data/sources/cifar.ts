import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.js";
import type { Split } from "../split.js";

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;
const CIFAR10_TRAIN = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

export type CifarLabels = "fine" | "coarse";

export interface CifarData {
  name: "cifar-10" | "cifar-100";
  train: Split & { images: Uint8Array };
  test: Split & { images: Uint8Array };
  classes?: string[];
  /** The files read, for the cache's manifest. */
  files: string[];
}

/** True for a folder in either CIFAR binary layout (cifar-10-batches-bin, or cifar-100-binary). */
export function isCifarFolder(folder: string): boolean {
  return existsSync(join(folder, "data_batch_1.bin")) || (existsSync(join(folder, "train.bin")) && existsSync(join(folder, "test.bin")));
}

/**
 * Reads CIFAR's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): CIFAR-10 records are one label
 * byte and 3,072 pixel bytes (the red plane, then green, then blue, each 32x32 row-major); CIFAR-100 records
 * carry a coarse and a fine label byte first. Pixels are turned into aelab's HWC order; class names come
 * from batches.meta.txt or {fine,coarse}_label_names.txt where present.
 */
export function readCifarFolder(folder: string, labels: CifarLabels): CifarData {
  if (existsSync(join(folder, "data_batch_1.bin"))) {
    const trainFiles = CIFAR10_TRAIN.map((name) => join(folder, name));
    const missing = [...trainFiles, join(folder, "test_batch.bin")].filter((path) => !existsSync(path));
    if (missing.length > 0)
      throw new DataError(`${folder}: a CIFAR-10 folder needs data_batch_1.bin to data_batch_5.bin and test_batch.bin; missing ${missing.join(", ")}`);
    const parts = trainFiles.map((path) => readRecords(path, 1, 0));
    const test = readRecords(join(folder, "test_batch.bin"), 1, 0);
    return {
      name: "cifar-10",
      train: concat(parts),
      test,
      classes: classNames(join(folder, "batches.meta.txt"), 10),
      files: [...trainFiles, join(folder, "test_batch.bin")],
    };
  }
  const labelByte = labels === "coarse" ? 0 : 1;
  const train = readRecords(join(folder, "train.bin"), 2, labelByte);
  const test = readRecords(join(folder, "test.bin"), 2, labelByte);
  const classes = classNames(join(folder, `${labels}_label_names.txt`), labels === "coarse" ? 20 : 100);
  return { name: "cifar-100", train, test, classes, files: [join(folder, "train.bin"), join(folder, "test.bin")] };
}

function readRecords(path: string, labelBytes: number, labelAt: number): Split & { images: Uint8Array } {
  const record = labelBytes + PIXELS;
  const size = statSync(path).size;
  if (size === 0 || size % record !== 0) {
    throw new DataError(
      `${path}: ${size} bytes is not a whole number of ${record}-byte CIFAR-${labelBytes === 1 ? "10" : "100"} records (${labelBytes} label byte${labelBytes > 1 ? "s" : ""} + 3,072 pixels); is the file cut short?`,
    );
  }
  const bytes = readFileSync(path);
  const count = size / record;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const plane = SIDE * SIDE;
  for (let n = 0; n < count; n++) {
    const base = n * record;
    labels[n] = bytes[base + labelAt];
    const from = base + labelBytes;
    const to = n * PIXELS;
    for (let i = 0; i < plane; i++) {
      images[to + 3 * i] = bytes[from + i];
      images[to + 3 * i + 1] = bytes[from + plane + i];
      images[to + 3 * i + 2] = bytes[from + 2 * plane + i];
    }
  }
  return { images, labels, count };
}

function concat(parts: Array<Split & { images: Uint8Array }>): Split & { images: Uint8Array } {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at * PIXELS);
    labels.set(part.labels, at);
    at += part.count;
  }
  return { images, labels, count };
}

/** The class names file's non-empty lines, if it is there and has as many as the dataset has classes. */
function classNames(path: string, expected: number): string[] | undefined {
  if (!existsSync(path)) return undefined;
  const names = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return names.length === expected ? names : undefined;
}
