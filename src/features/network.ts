import * as tf from "@tensorflow/tfjs";
import type { ImageShape } from "../data/index.js";
import { convStack } from "../nn/conv.js";
import { denseStack, seededDense } from "../nn/mlp.js";
import { streamFor } from "../random/rng.js";
import { FEATURE_NET_SPEC } from "../config/feature-network-spec.js";

export interface FeatureNetworkLayers {
  /** images [n, H, W, C] in [0, 1] -> head logits [n, heads]: what training descends. */
  model: tf.LayersModel;
  /**
   * The same layers, one model with every tap as an output: the conv blocks' ReLU outputs, input side
   * first, then the feature layer [n, FEATURE_NET_SPEC.features].
   */
  taps: tf.LayersModel;
}

/** FEATURE_NET_SPEC's network for `shape` with `heads` outputs; initial weights from `seed`'s "features/weights" stream. */
export function buildFeatureNetwork(shape: ImageShape, seed: number, heads: number, name: string): FeatureNetworkLayers {
  const rng = streamFor(seed, "features/weights");
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: `${name}_input` });
  const { filters, kernel, strides, features } = FEATURE_NET_SPEC;
  const blocks = convStack(input, { filters, kernel, strides, activation: "relu" }, name, rng);
  const flat = tf.layers.flatten({ name: `${name}_flatten` }).apply(blocks.at(-1)!) as tf.SymbolicTensor;
  const feature = denseStack(flat, [features], "relu", `${name}_features`, rng)[0];
  const logits = seededDense(heads, `${name}_head`, rng).apply(feature) as tf.SymbolicTensor;
  return {
    model: tf.model({ inputs: input, outputs: logits, name }),
    taps: tf.model({ inputs: input, outputs: [...blocks, feature], name: `${name}_taps` }),
  };
}
