import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { parseNpy, type NdArray } from "../arrays/npy.js";
import { parseNpz } from "../arrays/npz.js";
import { DataError } from "../errors.js";
import type { ImageShape, Pixels, Split } from "../split.js";
import { arrayLayout, type ArrayLayout } from "./array-layout.js";

/** Images (and labels) read from a .npy or .npz file: train, and test where the file has its own. */
export interface ArrayData extends ImageShape {
  name: string;
  train: Split;
  test?: Split;
  labelled: boolean;
  notes: string[];
}

// Keras's datasets save as x_train / y_train / x_test / y_test; a single array pair is commonly images / labels or x / y.
const TRAIN_TEST = { images: ["x_train", "x_test"], labels: ["y_train", "y_test"] } as const;
const PAIRS = [
  ["images", "labels"],
  ["x", "y"],
] as const;

/**
 * A .npy file (one images array, unlabelled) or a .npz file: x_train / x_test (with y_train / y_test when
 * present), else an images / labels or x / y pair, else its only images array (rank 3 or 4) with its only
 * label array (rank 1, one integer per image). Pixels: uint8 (0-255) or floats in [0, 1]; axes as
 * arrayLayout infers them, or data.layout.
 */
export function readArrayFile(path: string, layout: ArrayLayout | undefined): ArrayData {
  const bytes = readFileSync(path);
  const name = basename(path, extname(path));
  if (extname(path).toLowerCase() === ".npy") {
    const images = toImages(parseNpy(bytes, path), layout, path);
    return {
      name,
      ...images.shape,
      train: { images: images.pixels, labels: new Uint8Array(images.count), count: images.count },
      labelled: false,
      notes: images.notes,
    };
  }
  const arrays = parseNpz(bytes, path);
  const [trainKey, testKey] = TRAIN_TEST.images;
  if (arrays.has(trainKey)) {
    const train = split(arrays, trainKey, TRAIN_TEST.labels[0], layout, path);
    const test = arrays.has(testKey) ? split(arrays, testKey, TRAIN_TEST.labels[1], layout, path) : undefined;
    if (test && (test.shape.height !== train.shape.height || test.shape.width !== train.shape.width || test.shape.channels !== train.shape.channels))
      throw new DataError(`${path}: x_train holds ${shapeText(train.shape)} images but x_test ${shapeText(test.shape)}`);
    if (test && test.labelled !== train.labelled) throw new DataError(`${path}: has ${train.labelled ? "y_train but no y_test" : "y_test but no y_train"}`);
    return { name, ...train.shape, train: train.split, test: test?.split, labelled: train.labelled, notes: [...train.notes, ...(test?.notes ?? [])] };
  }
  const pair = PAIRS.find(([images]) => arrays.has(images));
  const imagesKey = pair?.[0] ?? onlyKey(arrays, (a) => a.shape.length >= 3, "images array (rank 3 or 4)", path);
  const labelsKey = pair && arrays.has(pair[1]) ? pair[1] : pair ? undefined : optionalOnlyKey(arrays, (a) => a.shape.length === 1, path);
  const all = split(arrays, imagesKey, labelsKey, layout, path);
  return { name, ...all.shape, train: all.split, labelled: all.labelled, notes: all.notes };
}

function split(arrays: Map<string, NdArray>, imagesKey: string, labelsKey: string | undefined, layout: ArrayLayout | undefined, path: string) {
  const images = toImages(arrays.get(imagesKey)!, layout, `${path} (${imagesKey})`);
  const labelArray = labelsKey === undefined ? undefined : arrays.get(labelsKey);
  const labels = labelArray ? toLabels(labelArray, images.count, `${path} (${labelsKey})`) : new Uint8Array(images.count);
  return { split: { images: images.pixels, labels, count: images.count }, shape: images.shape, labelled: labelArray !== undefined, notes: images.notes };
}

function toImages(array: NdArray, given: ArrayLayout | undefined, origin: string): { pixels: Pixels; count: number; shape: ImageShape; notes: string[] } {
  const layout = arrayLayout(array.shape, given, origin);
  const [count, a, b, c] = array.shape;
  const [height, width, stored] = layout === "nhw" ? [a, b, 1] : layout === "nhwc" ? [a, b, c] : [b, c, a];
  if (count === 0) throw new DataError(`${origin}: holds no images (shape [${array.shape.join(", ")}])`);
  const pixels = checkedPixels(array, origin);
  // RGBA arrays lose their alpha, as decoded image files do (there it is flattened onto black; here the colour is kept as stored).
  const channels = stored === 4 ? 3 : stored;
  const notes = stored === 4 ? [`${origin}: 4 channels; the 4th (alpha) is dropped`] : [];
  const perImage = height * width * channels;
  const out = pixels instanceof Uint8Array ? new Uint8Array(count * perImage) : new Float32Array(count * perImage);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let ch = 0; ch < channels; ch++) {
          const from = layout === "nchw" ? ((n * stored + ch) * height + y) * width + x : ((n * height + y) * width + x) * stored + ch;
          out[((n * height + y) * width + x) * channels + ch] = pixels[from];
        }
      }
    }
  }
  return { pixels: out, count, shape: { height, width, channels }, notes };
}

/** The array's values as pixels: uint8 as bytes, floats kept as float32 and required to lie in [0, 1]. */
function checkedPixels(array: NdArray, origin: string): Pixels {
  if (array.descr === "|u1") return array.data as Uint8Array;
  if (array.descr === "<f4" || array.descr === "<f8") {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of array.data) {
      if (!(v >= 0 && v <= 1)) {
        for (const w of array.data) {
          min = Math.min(min, w);
          max = Math.max(max, w);
        }
        throw new DataError(
          `${origin}: float pixels must lie in [0, 1] (found ${Number.isNaN(v) ? "NaN" : `values from ${min} to ${max}`}); scale them, or save uint8 0-255`,
        );
      }
    }
    return array.data instanceof Float32Array ? array.data : Float32Array.from(array.data);
  }
  throw new DataError(`${origin}: pixels of dtype ${array.descr} are not supported; save uint8 (0-255) or float32/float64 in [0, 1]`);
}

function toLabels(array: NdArray, count: number, origin: string): Uint8Array {
  if (array.shape.length !== 1 || array.shape[0] !== count)
    throw new DataError(`${origin}: labels must be one integer per image (${count}); got shape [${array.shape.join(", ")}]`);
  const labels = new Uint8Array(count);
  array.data.forEach((v, i) => {
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new DataError(`${origin}: label ${i} is ${v}; labels must be whole numbers from 0 to 255`);
    labels[i] = v;
  });
  return labels;
}

function onlyKey(arrays: Map<string, NdArray>, test: (a: NdArray) => boolean, what: string, path: string): string {
  const keys = [...arrays].filter(([, a]) => test(a)).map(([k]) => k);
  if (keys.length === 1) return keys[0];
  throw new DataError(
    `${path}: ${keys.length === 0 ? "no" : `${keys.length}`} ${what}${keys.length > 1 ? `s (${keys.join(", ")})` : ""}; name them x_train / x_test (and y_train / y_test), images / labels, or x / y (arrays: ${[...arrays.keys()].join(", ")})`,
  );
}

function optionalOnlyKey(arrays: Map<string, NdArray>, test: (a: NdArray) => boolean, path: string): string | undefined {
  const keys = [...arrays].filter(([, a]) => test(a)).map(([k]) => k);
  if (keys.length > 1) throw new DataError(`${path}: ${keys.length} label arrays (${keys.join(", ")}); name the one to use labels or y`);
  return keys[0];
}

function shapeText(shape: ImageShape): string {
  return `${shape.height}x${shape.width}x${shape.channels}`;
}
