import type * as tf from "@tensorflow/tfjs";
import type { NetworkName, RunConfig } from "../config/schema.js";
import type { Phase, Variant } from "../models/variant.js";
import { fusedAdam } from "./fused-adam.js";

/**
 * The run's optimizers by key: one per network (its name), plus `<network>.<phase>` for a phase that
 * asks for an Adam of its own (Phase.ownOptimizer). Checkpoints save and restore every key.
 */
export type Optimizers = Partial<Record<NetworkName, tf.Optimizer>> & Record<string, tf.Optimizer | undefined>;

/** The key of the optimizer that applies `phase`'s update to `network`. */
export function optimizerKey(phase: Phase, network: NetworkName): string {
  return phase.ownOptimizer ? `${network}.${phase.name}` : network;
}

/** The optimizer that applies `phase`'s update to `network` (trainStep asks this for every update). */
export function optimizerFor(optimizers: Readonly<Record<string, tf.Optimizer | undefined>>, phase: Phase, network: NetworkName): tf.Optimizer {
  const key = optimizerKey(phase, network);
  const optimizer = optimizers[key];
  if (!optimizer) throw new Error(`phase ${phase.name} needs optimizer '${key}', which was not built`);
  return optimizer;
}

/** Adam with train.optimizers.<network>'s settings, else train.lr / train.betas. */
function adamLike(network: NetworkName, train: RunConfig["train"]): tf.Optimizer {
  const own = train.optimizers[network] ?? {};
  const [beta1, beta2] = own.betas ?? train.betas;
  return fusedAdam(own.lr ?? train.lr, beta1, beta2);
}

/**
 * One Adam per network, with train.lr / train.betas unless train.optimizers names the network, and one
 * per phase that asks for its own (set like the network its `ownOptimizer.settingsOf` names). It is
 * tfjs's Adam, taken in one native call per step where the native kernels run (same bits either way).
 */
export function buildOptimizers(variant: Variant, train: RunConfig["train"]): Optimizers {
  const optimizers: Optimizers = {};
  for (const network of Object.keys(variant.networks) as NetworkName[]) optimizers[network] = adamLike(network, train);
  for (const phase of variant.phases) {
    if (!phase.ownOptimizer) continue;
    // One Adam per applyGradients call and step: an Adam shared by two networks would count two steps.
    if (phase.trains.length !== 1)
      throw new Error(`phase ${phase.name} asks for an optimizer of its own, so it must train one network (it trains ${phase.trains.join("+")})`);
    optimizers[optimizerKey(phase, phase.trains[0])] = adamLike(phase.ownOptimizer.settingsOf, train);
  }
  return optimizers;
}
