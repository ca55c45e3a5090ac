import * as tf from "@tensorflow/tfjs";
import type { Noise } from "../models/variant.js";
import { Rng } from "../random/rng.js";

/** Sampling noise from a seeded stream: every tf.randomNormal gets its own seed drawn from `rng`. */
export function seededNoise(rng: Rng): Noise {
  return { normal: (shape) => tf.randomNormal(shape, 0, 1, "float32", rng.seed()) };
}
