import * as tf from "@tensorflow/tfjs";
import type { MlpSpec } from "../config/schema.js";
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

/** Hidden dense layers with their activations, applied to `input`; the caller adds the output head. */
export function mlpTrunk(input: tf.SymbolicTensor, spec: MlpSpec, prefix: string, rng: Rng): tf.SymbolicTensor {
  let h = input;
  spec.hidden.forEach((units, i) => {
    h = seededDense(units, `${prefix}_dense_${i}`, rng).apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `${prefix}_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
  });
  return h;
}
