import type * as tf from "@tensorflow/tfjs";
import type { NetworkName } from "../config/schema.js";
import type { EncoderOutput } from "../nn/modules.js";

/** Where a phase draws its sampling noise; the loop seeds it per epoch so runs repeat exactly. */
export interface Noise {
  normal(shape: number[]): tf.Tensor;
  uniform(shape: number[]): tf.Tensor;
}

/** One named, weighted term of a phase's loss; every term is logged on its own. */
export interface LossTerm {
  name: string;
  weight: number;
  value: tf.Scalar;
}

/** What one step's phases see: the batch, the noise, and what earlier phases of the step shared. */
export interface StepContext {
  readonly x: tf.Tensor4D;
  readonly noise: Noise;
  /**
   * Tensors an earlier phase of this step computed (codes, reconstructions, features). Each phase has
   * its own gradient tape, so here they are constants: no gradient flows back through them into the
   * networks that made them.
   */
  readonly shared: ReadonlyMap<string, tf.Tensor>;
}

export interface PhaseResult {
  terms: LossTerm[];
  /** Tensors later phases of the step may reuse instead of running the networks again. */
  share?: Record<string, tf.Tensor>;
  /** Scalars worth watching that are not losses (mean D(x), ...); never differentiated. */
  diagnostics?: Record<string, tf.Scalar>;
}

/**
 * "These networks descend this weighted sum of loss terms." The loop takes the gradient of the sum with
 * respect to the variables of `trains` only, so no other network moves in this phase, and each network's
 * own optimizer applies its part.
 */
export interface Phase {
  readonly name: string;
  readonly trains: readonly NetworkName[];
  /** Run only on every `every`-th step (the generator side when the discriminator takes k steps). */
  readonly every?: number;
  /** Gating: asked before each step with the last step's gate signals; false skips the phase. */
  enabled?(signals: ReadonlyMap<string, number>): boolean;
  run(ctx: StepContext): PhaseResult;
}

/** A prior over codes to sample from (VAE, AAE, VAE-GAN). */
export interface Prior {
  sample(n: number, noise: Noise): tf.Tensor2D;
}

/**
 * A variant is only networks plus phases: the loop knows nothing about AE, VAE, AAE or VAE-GAN.
 * The rest serves evaluation, image logging, sampling and checkpoints.
 */
export interface Variant {
  readonly name: string;
  readonly networks: Readonly<Partial<Record<NetworkName, tf.LayersModel>>>;
  readonly phases: readonly Phase[];
  readonly latentSize: number;
  /** Diagnostics the loop must read back after every step because a phase's `enabled` depends on them. */
  readonly gateSignals?: readonly string[];
  readonly prior?: Prior;
  encode(x: tf.Tensor4D): EncoderOutput;
  /** Deterministic reconstruction (the code's mean for a Gaussian latent), as logits. */
  reconstructLogits(x: tf.Tensor4D): tf.Tensor4D;
  /** Decoded codes as probabilities in [0, 1]. */
  generate(z: tf.Tensor2D): tf.Tensor4D;
  dispose(): void;
}
