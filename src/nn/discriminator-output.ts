import type * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../config/errors.js";
import type { Discriminator } from "./modules.js";

/**
 * The 0-based layer that `featureLayer` names among `count` layers (negative counts from the end, like
 * Python: -1 is the last).
 */
export function resolveFeatureLayer(featureLayer: number, count: number, what: string): number {
  if (!Number.isInteger(featureLayer) || featureLayer < -count || featureLayer >= count) {
    throw new ConfigError(
      `model.discriminator.featureLayer must be in [${-count}, ${count - 1}] (the discriminator has ${count} ${what}; got ${featureLayer})`,
    );
  }
  return featureLayer < 0 ? count + featureLayer : featureLayer;
}

/** The Discriminator contract around a model whose outputs are [logit, features]. */
export function discriminatorFromModel(model: tf.LayersModel): Discriminator {
  return {
    model,
    discriminate(x: tf.Tensor4D) {
      const [logit, features] = model.apply(x) as tf.Tensor[];
      return { logit: logit as tf.Tensor2D, features: features as tf.Tensor2D };
    },
  };
}
