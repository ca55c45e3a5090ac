import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "./errors.js";
import { sameShape, shapeText } from "./weights.js";

/**
 * Training state outside the networks and optimizers (Variant.state: an adversarial weight's running
 * means), stored in state.json by name. A float32 read as a JS number is exact, and JSON writes the
 * shortest text that reads back as that number, so a restored value is the saved one bit for bit;
 * a non-finite value, which JSON has no number for, is written as its name, and -0 (which JSON writes
 * as 0) as "-0".
 */
export interface SavedVariable {
  shape: number[];
  values: Array<number | "NaN" | "Infinity" | "-Infinity" | "-0">;
}

export type Variables = Readonly<Record<string, tf.Variable>>;

export async function saveVariables(variables: Variables): Promise<Record<string, SavedVariable>> {
  const out: Record<string, SavedVariable> = {};
  for (const [name, variable] of Object.entries(variables)) {
    if (variable.dtype !== "float32") throw new CheckpointError(`checkpoint variable '${name}' is ${variable.dtype}; only float32 is stored`);
    const values = Array.from(await variable.data(), (v): SavedVariable["values"][number] =>
      Object.is(v, -0) ? "-0" : Number.isFinite(v) ? v : (String(v) as "NaN" | "Infinity" | "-Infinity"),
    );
    out[name] = { shape: [...variable.shape], values };
  }
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const NAMED: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY, "-0": -0 };

/**
 * The values for each of `variables`, read from state.json's `variables` field and checked (present,
 * same shape, numbers) before anything changes; `file` names state.json in errors.
 */
export function readVariables(saved: unknown, variables: Variables, file: string): Map<tf.Variable, Float32Array> {
  const stored = saved === undefined ? {} : saved;
  if (!isRecord(stored)) throw new CheckpointError(`${file}: variables must be an object`);
  const out = new Map<tf.Variable, Float32Array>();
  for (const [name, variable] of Object.entries(variables)) {
    const entry = stored[name];
    if (entry === undefined) {
      throw new CheckpointError(
        `${file} has no variable '${name}' (it has: ${Object.keys(stored).join(", ") || "none"}); it was written by a run that did not keep this state`,
      );
    }
    const at = `${file}: variables['${name}']`;
    if (!isRecord(entry) || !Array.isArray(entry.shape) || !Array.isArray(entry.values)) throw new CheckpointError(`${at} must be {shape, values}`);
    const shape = entry.shape as number[];
    if (!sameShape(shape, variable.shape)) throw new CheckpointError(`${at} is ${shapeText(shape)} but the variable is ${shapeText(variable.shape)}`);
    const values = (entry.values as unknown[]).map((v) => (typeof v === "number" ? v : typeof v === "string" && v in NAMED ? NAMED[v] : undefined));
    if (values.length !== variable.size || values.some((v) => v === undefined)) {
      throw new CheckpointError(`${at}.values must be ${variable.size} numbers`);
    }
    out.set(variable, Float32Array.from(values as number[]));
  }
  return out;
}

/** Assigns what readVariables read. */
export function applyVariables(values: Map<tf.Variable, Float32Array>): void {
  for (const [variable, data] of values) tf.tidy(() => variable.assign(tf.tensor(data, variable.shape, "float32")));
}
