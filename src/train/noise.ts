import * as tf from "@tensorflow/tfjs";
import type { Noise } from "../models/variant.js";
import type { Rng } from "../random/rng.js";

/** Sampling noise from a seeded stream: every tf random op gets its own seed drawn from `rng`. */
export function seededNoise(rng: Rng): Noise {
  return {
    normal: (shape) => tf.randomNormal(shape, 0, 1, "float32", rng.seed()),
    uniform: (shape) => tf.randomUniform(shape, 0, 1, "float32", rng.seed()),
  };
}
