import type * as tf from "@tensorflow/tfjs";
import type { ModelSpec } from "../config/schema.js";
import type { FeatureNetwork } from "../features/feature-network.js";
import { perceptualDistance } from "../losses/perceptual.js";
import type { LossTerm } from "./variant.js";

/** `model.perceptual` made a loss term: every variant adds it where it adds recon, with the same weighting. */
export interface PerceptualLoss {
  /** The term `perceptual` of reconstructions (the likelihood's mean, in [0, 1]) against their targets; its weight is model.perceptual.weight times `scale`. */
  term(reconstruction: tf.Tensor4D, x: tf.Tensor4D, scale?: number): LossTerm;
}

/**
 * The perceptual loss `model.perceptual` asks for, in `network` (frozen: no phase trains it, and the step's
 * gradients are taken for the phase's own networks only); undefined without model.perceptual. A variant
 * built without its network (to read a checkpoint, as eval and the report do) gets a loss that says so
 * when a training step asks for it.
 */
export function perceptualLoss(model: Pick<ModelSpec, "perceptual">, network: FeatureNetwork | undefined): PerceptualLoss | undefined {
  const spec = model.perceptual;
  if (!spec) return undefined;
  const chosen = spec.blocks.map((b) => b - 1);
  return {
    term(reconstruction, x, scale = 1) {
      if (!network)
        throw new Error("model.perceptual: this variant was built without its feature network (train() loads it); it can reconstruct but not train");
      const pick = (blocks: tf.Tensor4D[]) => chosen.map((i) => blocks[i]);
      return { name: "perceptual", weight: spec.weight * scale, value: perceptualDistance(pick(network.blocks(reconstruction)), pick(network.blocks(x))) };
    },
  };
}
