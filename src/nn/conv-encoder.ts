import * as tf from "@tensorflow/tfjs";
import type { ConvEncoderSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { convStack } from "./conv.js";
import { codeHeads, encoderFromModel } from "./encoder-heads.js";
import { denseStack } from "./mlp.js";
import type { Encoder, ImageShape } from "./modules.js";

/**
 * The TF CVAE tutorial's encoder with the spec's defaults: conv 32/3/s2, conv 64/3/s2, flatten, a dense
 * code (or mean and log-variance heads). The tutorial's convs are 'valid' (28 -> 13 -> 6); these are
 * 'same' (28 -> 14 -> 7), mirroring the decoder's 7x7 start and working for any image size.
 */
export function buildConvEncoder(spec: ConvEncoderSpec, shape: ImageShape, latentSize: number, gaussian: boolean, rng: Rng): Encoder {
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "encoder_input" });
  const maps = convStack(input, spec, "encoder", rng);
  const flat = tf.layers.flatten({ name: "encoder_flatten" }).apply(maps[maps.length - 1]) as tf.SymbolicTensor;
  const h = denseStack(flat, spec.hidden, spec.activation, "encoder", rng).at(-1) ?? flat;
  const model = tf.model({ inputs: input, outputs: codeHeads(h, latentSize, gaussian, rng), name: "encoder" });
  return encoderFromModel(model, gaussian, latentSize);
}
