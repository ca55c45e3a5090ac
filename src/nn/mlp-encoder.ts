import * as tf from "@tensorflow/tfjs";
import type { MlpSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { mlpTrunk, seededDense } from "./mlp.js";
import type { Encoder, EncoderOutput, ImageShape } from "./modules.js";

export function buildMlpEncoder(spec: MlpSpec, shape: ImageShape, latentSize: number, gaussian: boolean, rng: Rng): Encoder {
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "encoder_input" });
  const flat = tf.layers.flatten({ name: "encoder_flatten" }).apply(input) as tf.SymbolicTensor;
  const h = mlpTrunk(flat, spec, "encoder", rng);
  const mean = seededDense(latentSize, gaussian ? "encoder_mean" : "encoder_code", rng).apply(h) as tf.SymbolicTensor;
  const outputs = gaussian ? [mean, seededDense(latentSize, "encoder_log_variance", rng).apply(h) as tf.SymbolicTensor] : mean;
  const model = tf.model({ inputs: input, outputs, name: "encoder" });
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
