// Types only from tfjs: the config schema reads the names, and loading a config needs no backend.
import type * as tf from "@tensorflow/tfjs";
import type { LikelihoodKind } from "./index.js";

/** The likelihoods buildLikelihood makes itself. */
export const BUILT_IN_LIKELIHOODS = ["mse", "bce", "l1", "cbernoulli", "gaussian", "laplace"] as const satisfies readonly LikelihoodKind[];
/** What `model.recon` names without a registration: those, and vaegan's loss in a discriminator's feature space. */
export const BUILT_IN_RECON = [...BUILT_IN_LIKELIHOODS, "feature"] as const;

/** A likelihood's name registered from outside aelab (registerLikelihood); `string & {}` keeps the built-in names' completion. */
export type RegisteredLikelihoodName = string & {};

/**
 * A likelihood added by name from the user's own code. Like every likelihood it reads the decoder's
 * logits and is pure (tensors in, tensors out); its mean E[x], which image grids, samples and the pixel
 * metrics show, is sigmoid(logits), as for every built-in one but cbernoulli.
 */
export interface LikelihoodDefinition {
  /** Negative log-likelihood of each example's targets (in [0, 1]), summed over pixels and channels. */
  nllPerExample(logits: tf.Tensor, target: tf.Tensor): tf.Tensor1D;
  /** Scalars logged as diagnostics/<name> every step; default none. */
  diagnostics?(logits: tf.Tensor, target: tf.Tensor): Record<string, tf.Scalar>;
  /**
   * Whether the NLL is a normalised density of the targets (`binarized`: of binary ones), so that a VAE's
   * test nll and bpd estimate log p(x); default false (they are then not logged).
   */
  properDensity?(binarized: boolean): boolean;
}

const registered = new Map<string, LikelihoodDefinition>();

/** A name that is a config value, a tag and a folder name alike. */
const NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * Adds a likelihood that `model.recon` can name, for every variant that trains on a likelihood. Register
 * it before the config is validated (the schema accepts registered names only) and in every process
 * that loads such a run (eval, sample, an experiment's workers).
 */
export function registerLikelihood(name: string, definition: LikelihoodDefinition): void {
  if (!NAME.test(name))
    throw new Error(`registerLikelihood: ${JSON.stringify(name)} is not a likelihood name (lower-case letters, digits, - and _, starting with a letter)`);
  if ((BUILT_IN_RECON as readonly string[]).includes(name)) throw new Error(`registerLikelihood: ${name} is a built-in likelihood`);
  if (registered.has(name)) throw new Error(`registerLikelihood: a likelihood named ${name} is registered already`);
  registered.set(name, definition);
}

export function registeredLikelihood(name: string): LikelihoodDefinition | undefined {
  return registered.get(name);
}

export function registeredLikelihoodNames(): string[] {
  return [...registered.keys()];
}

/** What `model.recon` accepts: the built-in names, then the registered ones. */
export function reconNames(): string[] {
  return [...BUILT_IN_RECON, ...registered.keys()];
}

export function isBuiltInLikelihood(name: string): name is LikelihoodKind {
  return (BUILT_IN_LIKELIHOODS as readonly string[]).includes(name);
}
