import * as tf from "@tensorflow/tfjs";
import type { Activation, MlpSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";

/** A dense layer whose initial weights come from the run's seed, so two runs start identically. */
export function seededDense(units: number, name: string, rng: Rng): tf.layers.Layer {
  return tf.layers.dense({
    units,
    name,
    kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
    biasInitializer: "zeros",
  });
}

/**
 * Dense layers with their activations, applied to `input`; returns the output of every activation, input
 * side first (empty when `hidden` is), so a caller can tap any layer, e.g. a discriminator's feature layer.
 */
export function denseStack(input: tf.SymbolicTensor, hidden: readonly number[], activation: Activation, prefix: string, rng: Rng): tf.SymbolicTensor[] {
  const outputs: tf.SymbolicTensor[] = [];
  let h = input;
  hidden.forEach((units, i) => {
    h = seededDense(units, `${prefix}_dense_${i}`, rng).apply(h) as tf.SymbolicTensor;
    h = activationLayer(activation, `${prefix}_${activation}_${i}`).apply(h) as tf.SymbolicTensor;
    outputs.push(h);
  });
  return outputs;
}

/** Hidden dense layers with their activations, applied to `input`; the caller adds the output head. */
export function mlpTrunk(input: tf.SymbolicTensor, spec: Pick<MlpSpec, "hidden" | "activation">, prefix: string, rng: Rng): tf.SymbolicTensor {
  return denseStack(input, spec.hidden, spec.activation, prefix, rng).at(-1) ?? input;
}
