import type * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/rng.js";
import { seededDense } from "./mlp.js";
import type { Encoder, EncoderOutput } from "./modules.js";

/**
 * The code layer on top of an encoder's trunk: one dense code, or for a Gaussian latent two dense heads,
 * mean then log-variance (seeds drawn in that order).
 */
export function codeHeads(h: tf.SymbolicTensor, latentSize: number, gaussian: boolean, rng: Rng): tf.SymbolicTensor | tf.SymbolicTensor[] {
  const mean = seededDense(latentSize, gaussian ? "encoder_mean" : "encoder_code", rng).apply(h) as tf.SymbolicTensor;
  if (!gaussian) return mean;
  return [mean, seededDense(latentSize, "encoder_log_variance", rng).apply(h) as tf.SymbolicTensor];
}

/** The Encoder contract around a model built with codeHeads. */
export function encoderFromModel(model: tf.LayersModel, gaussian: boolean, latentSize: number): Encoder {
  return {
    model,
    gaussian,
    latentSize,
    encode(x: tf.Tensor4D): EncoderOutput {
      const out = model.apply(x);
      if (Array.isArray(out)) return { embedding: out[0] as tf.Tensor2D, logVariance: out[1] as tf.Tensor2D };
      return { embedding: out as tf.Tensor2D };
    },
  };
}
