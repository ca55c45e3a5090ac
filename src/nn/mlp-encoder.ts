import * as tf from "@tensorflow/tfjs";
import type { MlpSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { codeHeads, encoderFromModel } from "./encoder-heads.js";
import { mlpTrunk } from "./mlp.js";
import type { Encoder, ImageShape } from "./modules.js";

export function buildMlpEncoder(spec: MlpSpec, shape: ImageShape, latentSize: number, gaussian: boolean, rng: Rng): Encoder {
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "encoder_input" });
  const flat = tf.layers.flatten({ name: "encoder_flatten" }).apply(input) as tf.SymbolicTensor;
  const h = mlpTrunk(flat, spec, "encoder", rng);
  const model = tf.model({ inputs: input, outputs: codeHeads(h, latentSize, gaussian, rng), name: "encoder" });
  return encoderFromModel(model, gaussian, latentSize);
}
