import * as tf from "@tensorflow/tfjs";
import { dirname, join } from "node:path";
import { CheckpointError, reason } from "./errors.js";
import { ownArrayBuffer, readCheckpointFile } from "./files.js";

/** The tfjs weights manifest: groups of tensors, each group stored in the files `paths`, concatenated. */
export type Manifest = tf.io.WeightsManifestConfig;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The weightsManifest of a parsed JSON file, checked field by field. */
export function parseManifest(json: unknown, file: string): Manifest {
  const manifest = isRecord(json) ? json.weightsManifest : undefined;
  if (!Array.isArray(manifest)) throw new CheckpointError(`${file}: weightsManifest is missing or not a list`);
  manifest.forEach((group: unknown, g) => {
    const at = `${file}: weightsManifest[${g}]`;
    if (!isRecord(group)) throw new CheckpointError(`${at} is not an object`);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === "string" && p.length > 0)) {
      throw new CheckpointError(`${at}.paths must be a list of file names`);
    }
    if (!Array.isArray(group.weights)) throw new CheckpointError(`${at}.weights is not a list`);
    group.weights.forEach((spec: unknown, i) => {
      const field = `${at}.weights[${i}]`;
      if (!isRecord(spec) || typeof spec.name !== "string") throw new CheckpointError(`${field}.name is missing`);
      if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new CheckpointError(`${field}.shape must be a list of sizes (got ${JSON.stringify(spec.shape)})`);
      }
      if (typeof spec.dtype !== "string" || !(spec.dtype in DTYPE_BYTES)) {
        throw new CheckpointError(`${field}.dtype ${JSON.stringify(spec.dtype)} is not one aelab reads`);
      }
    });
  });
  return manifest as Manifest;
}

function byteLength(spec: tf.io.WeightsManifestEntry, field: string): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const bytes = QUANTIZED_BYTES[spec.quantization.dtype];
    if (bytes === undefined) throw new CheckpointError(`${field}.quantization.dtype ${spec.quantization.dtype} is not supported`);
    return size * bytes;
  }
  return size * DTYPE_BYTES[spec.dtype];
}

/**
 * The tensors a manifest describes, in manifest order. Each is decoded from its own byte range rather
 * than by name (tf.io.decodeWeights keys by name, and position is what identifies a weight here).
 * A .bin of the wrong size is an error, before any tensor exists.
 */
export async function readWeights(manifest: Manifest, jsonFile: string): Promise<Array<{ spec: tf.io.WeightsManifestEntry; tensor: tf.Tensor }>> {
  const dir = dirname(jsonFile);
  const groups: Array<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer; lengths: number[] }> = [];
  for (const [g, group] of manifest.entries()) {
    const lengths = group.weights.map((spec, i) => byteLength(spec, `${jsonFile}: weightsManifest[${g}].weights[${i}]`));
    const expected = lengths.reduce((a, b) => a + b, 0);
    const files = await Promise.all(group.paths.map((p) => readCheckpointFile(join(dir, p))));
    const actual = files.reduce((a, f) => a + f.byteLength, 0);
    if (actual !== expected) {
      const names = group.paths.map((p) => join(dir, p)).join(" + ");
      throw new CheckpointError(`${names} is ${actual} bytes but ${jsonFile}'s weightsManifest[${g}] describes ${expected} bytes`);
    }
    groups.push({ specs: group.weights, data: ownArrayBuffer(Buffer.concat(files)), lengths });
  }
  const out: Array<{ spec: tf.io.WeightsManifestEntry; tensor: tf.Tensor }> = [];
  try {
    for (const { specs, data, lengths } of groups) {
      let offset = 0;
      specs.forEach((spec, i) => {
        const bytes = data.slice(offset, offset + lengths[i]);
        offset += lengths[i];
        out.push({ spec, tensor: tf.io.decodeWeights(bytes, [spec])[spec.name] });
      });
    }
  } catch (error) {
    tf.dispose(out.map((w) => w.tensor));
    throw new CheckpointError(`${jsonFile}: cannot decode weights (${reason(error)})`);
  }
  return out;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
