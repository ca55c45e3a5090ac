import * as tf from "@tensorflow/tfjs";
import type { Activation } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";

// Every conv is 'same'-padded: a stride-s layer maps size n to ceil(n / s) (transposed: n * s exactly),
// so shapes follow the data for any size, and the wasm kernels' 'same' path is the one that is patched
// and tested against cpu (src/backend).

export interface ConvLayerSpec {
  filters: number;
  kernel: number;
  strides: number;
}

/** A conv layer (no activation: it follows as its own layer) whose initial weights come from the run's seed. */
export function seededConv2d(spec: ConvLayerSpec, name: string, rng: Rng): tf.layers.Layer {
  return tf.layers.conv2d(seededConvArgs(spec, name, rng));
}

/** The transposed twin of seededConv2d: with 'same' padding it multiplies height and width by `strides`. */
export function seededConv2dTranspose(spec: ConvLayerSpec, name: string, rng: Rng): tf.layers.Layer {
  return tf.layers.conv2dTranspose(seededConvArgs(spec, name, rng));
}

function seededConvArgs({ filters, kernel, strides }: ConvLayerSpec, name: string, rng: Rng) {
  return {
    filters,
    kernelSize: kernel,
    strides,
    padding: "same" as const,
    name,
    kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
    biasInitializer: "zeros" as const,
  };
}

export interface ConvStackSpec {
  filters: readonly number[];
  kernel: number;
  strides: number;
  activation: Activation;
}

/**
 * Strided convs, each followed by its activation, applied to `input`; returns the output of every
 * activation, input side first, so a caller can tap any layer. Layers are `${prefix}_conv_i` and
 * `${prefix}_conv_${activation}_i`.
 */
export function convStack(input: tf.SymbolicTensor, spec: ConvStackSpec, prefix: string, rng: Rng): tf.SymbolicTensor[] {
  const outputs: tf.SymbolicTensor[] = [];
  let h = input;
  spec.filters.forEach((filters, i) => {
    h = seededConv2d({ filters, kernel: spec.kernel, strides: spec.strides }, `${prefix}_conv_${i}`, rng).apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `${prefix}_conv_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
    outputs.push(h);
  });
  return outputs;
}
