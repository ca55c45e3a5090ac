import type * as tf from "@tensorflow/tfjs";
import type { NetworkName } from "../config/schema.js";
import type { Likelihood } from "../losses/likelihoods/index.js";
import type { EncoderOutput } from "../nn/modules.js";

/** Where a phase draws its sampling noise; the loop seeds it per epoch so runs repeat exactly. */
export interface Noise {
  normal(shape: number[]): tf.Tensor;
  uniform(shape: number[]): tf.Tensor;
}

/** One named, weighted term of a phase's loss; every term is logged on its own. */
export interface LossTerm {
  name: string;
  /** A tensor weight (an adaptive lambda) must be a constant: no gradient may flow through it. */
  weight: number | tf.Scalar;
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
  /**
   * A training step (the loop applies this phase's gradient), not evaluation: only training may move state
   * outside the gradient (a spectral norm's power iteration, an adaptive weight's last lambda).
   */
  readonly training: boolean;
  /** The 0-based training step; absent in evaluation. */
  readonly step?: number;
  /**
   * ‖∂value/∂variable‖ of a term this phase computed, at one of its variables, taken by the loop from
   * the phase's own gradient tape (no second forward pass) and detached: a constant for the update.
   * Present in training, where the loop takes the phase's gradient; what an adaptive term weight asks for.
   */
  readonly gradientNorm?: (value: tf.Scalar, variable: tf.Variable) => tf.Scalar;
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
  /** Run only from this (0-based) step on: a warm-up without this phase (VQGAN's disc_start). */
  readonly start?: number;
  /**
   * Gating: asked after the phase's forward and backward pass with this step's gate signals (its own
   * diagnostics and earlier phases'); false discards its gradient, so its networks do not move.
   */
  enabled?(signals: ReadonlyMap<string, number>): boolean;
  /**
   * The phase's one network takes this phase's updates from an Adam of its own, `<network>.<phase>`
   * (optimizers.ts), set like `settingsOf`'s, rather than from the network's own Adam, so the two kinds of
   * update keep apart moments (the AAE encoder's regularisation update, as in implementations with an
   * optimizer per phase).
   */
  readonly ownOptimizer?: { settingsOf: NetworkName };
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
  /** Diagnostics the loop must read back within the step because a phase's `enabled` depends on them. */
  readonly gateSignals?: readonly string[];
  readonly prior?: Prior;
  encode(x: tf.Tensor4D): EncoderOutput;
  /**
   * Deterministic reconstruction (the code's mean for a Gaussian latent), as logits of the likelihood's
   * mean E[x]: the decoder's own logits for every likelihood whose mean is their sigmoid, and
   * logit(E[x]) for cbernoulli, so that images and metrics (sigmoid of these) show the mean, not λ.
   */
  reconstructLogits(x: tf.Tensor4D): tf.Tensor4D;
  /** Decoded codes as the likelihood's mean in [0, 1] (probabilities for bce). */
  generate(z: tf.Tensor2D): tf.Tensor4D;
  /** The decoder's own logits for codes: the likelihood's parameters (λ's logits for cbernoulli). */
  decodeLogits(z: tf.Tensor2D): tf.Tensor4D;
  /**
   * The reconstruction likelihood every variant trains on (absent only for vaegan's feature loss): log p(x)
   * and λ grids need it.
   */
  readonly likelihood?: Likelihood;
  /**
   * Training state outside the networks and optimizers (an adversarial weight's running means), by name;
   * checkpoints carry it, so a resumed run continues exactly.
   */
  readonly state?: Readonly<Record<string, tf.Variable>>;
  dispose(): void;
}
