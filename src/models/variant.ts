import type * as tf from "@tensorflow/tfjs";

/** Where a phase draws its sampling noise; the loop seeds it per epoch so runs repeat exactly. */
export interface Noise {
  normal(shape: number[]): tf.Tensor;
}

/** One named, weighted term of a phase's loss; every term is logged on its own. */
export interface LossTerm {
  name: string;
  weight: number;
  value: tf.Scalar;
}

/**
 * "These modules descend this weighted sum of loss terms." The loop takes gradients of the sum with
 * respect to the variables of `trains` only, so no other module moves in this phase.
 */
export interface Phase {
  name: string;
  trains: readonly string[];
  losses(x: tf.Tensor4D, noise: Noise): LossTerm[];
}

/**
 * A variant is only modules plus phases: the loop knows nothing about AE or VAE. `reconstructLogits`
 * and `samplePrior` serve evaluation and image logging.
 */
export interface Variant {
  readonly name: string;
  readonly modules: Readonly<Record<string, tf.LayersModel>>;
  readonly phases: readonly Phase[];
  readonly latentSize: number;
  /** Deterministic reconstruction (the code's mean for a Gaussian latent), as logits. */
  reconstructLogits(x: tf.Tensor4D): tf.Tensor4D;
  /** Decoded codes drawn from the prior, as probabilities; absent for variants without a prior. */
  samplePrior?(z: tf.Tensor2D): tf.Tensor4D;
  dispose(): void;
}
