import * as tf from "@tensorflow/tfjs";
import type { NetworkName, RunConfig } from "../config/schema.js";
import type { Variant } from "../models/variant.js";
import { fusedAdam } from "./fused-adam.js";

/**
 * One Adam per network, with train.lr / train.betas unless train.optimizers names the network. It is
 * tfjs's Adam, taken in one native call per step where the native kernels run (same bits either way).
 */
export function buildOptimizers(variant: Variant, train: RunConfig["train"]): Partial<Record<NetworkName, tf.Optimizer>> {
  const optimizers: Partial<Record<NetworkName, tf.Optimizer>> = {};
  for (const network of Object.keys(variant.networks) as NetworkName[]) {
    const own = train.optimizers[network] ?? {};
    const [beta1, beta2] = own.betas ?? train.betas;
    optimizers[network] = fusedAdam(own.lr ?? train.lr, beta1, beta2);
  }
  return optimizers;
}
