import * as tf from "@tensorflow/tfjs";
import type { ConvDecoderSpec } from "../config/schema.js";
import { ConfigError } from "../config/errors.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";
import { seededConv2dTranspose } from "./conv.js";
import { withLearnedLogScale } from "./decoder-scale.js";
import { seededDense } from "./mlp.js";
import type { Decoder, ImageShape } from "./modules.js";

/**
 * Height and width of the map the decoder starts from: the data's size divided by strides^filters.length,
 * so that the 'same'-padded transposed convs (each multiplies the size by `strides` exactly) end at the
 * data's size without cropping.
 */
export function decoderStartSize(spec: Pick<ConvDecoderSpec, "filters" | "strides">, shape: ImageShape): { height: number; width: number } {
  const factor = spec.strides ** spec.filters.length;
  if (shape.height % factor !== 0 || shape.width % factor !== 0) {
    throw new ConfigError(
      `model.decoder: a ${shape.height}x${shape.width} image is not divisible by strides^filters.length = ` +
        `${spec.strides}^${spec.filters.length} = ${factor}, so its transposed convs cannot end at the data's size; ` +
        `choose model.decoder.strides and the number of model.decoder.filters so that it divides`,
    );
  }
  return { height: shape.height / factor, width: shape.width / factor };
}

/**
 * The TF CVAE tutorial's decoder with the spec's defaults: dense to a (H/4)x(W/4)x32 map, transposed convs
 * 64/s2 and 32/s2, then a stride-1 transposed conv to the data's channels. The output is logits.
 * `learnedScale`: the decoder also carries the likelihood's learned log scale (see decoder-scale.ts).
 */
export function buildConvDecoder(spec: ConvDecoderSpec, shape: ImageShape, latentSize: number, rng: Rng, learnedScale = false): Decoder {
  const start = decoderStartSize(spec, shape);
  const input = tf.input({ shape: [latentSize], name: "decoder_input" });
  let h = seededDense(start.height * start.width * spec.startChannels, "decoder_project", rng).apply(input) as tf.SymbolicTensor;
  h = activationLayer(spec.activation, `decoder_project_${spec.activation}`).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [start.height, start.width, spec.startChannels], name: "decoder_reshape" }).apply(h) as tf.SymbolicTensor;
  spec.filters.forEach((filters, i) => {
    h = seededConv2dTranspose({ filters, kernel: spec.kernel, strides: spec.strides }, `decoder_deconv_${i}`, rng).apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `decoder_deconv_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
  });
  const logits = seededConv2dTranspose({ filters: shape.channels, kernel: spec.kernel, strides: 1 }, "decoder_logits", rng).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: learnedScale ? withLearnedLogScale(logits) : logits, name: "decoder" });
  return {
    model,
    shape,
    decode: (z: tf.Tensor2D) => model.apply(z) as tf.Tensor4D,
  };
}
