import * as tf from "@tensorflow/tfjs";
import type { MlpSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { withLearnedLogScale } from "./decoder-scale.js";
import { mlpTrunk, seededDense } from "./mlp.js";
import type { Decoder, ImageShape } from "./modules.js";

/** `learnedScale`: the decoder also carries the likelihood's learned log scale (see decoder-scale.ts). */
export function buildMlpDecoder(spec: MlpSpec, shape: ImageShape, latentSize: number, rng: Rng, learnedScale = false): Decoder {
  const input = tf.input({ shape: [latentSize], name: "decoder_input" });
  const h = mlpTrunk(input, spec, "decoder", rng);
  const pixels = shape.height * shape.width * shape.channels;
  const logits = seededDense(pixels, "decoder_logits", rng).apply(h) as tf.SymbolicTensor;
  const image = tf.layers.reshape({ targetShape: [shape.height, shape.width, shape.channels], name: "decoder_image" }).apply(logits) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: learnedScale ? withLearnedLogScale(image) : image, name: "decoder" });
  return {
    model,
    shape,
    decode: (z: tf.Tensor2D) => model.apply(z) as tf.Tensor4D,
  };
}
