import type { RunConfig } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildAe, buildVae } from "./autoencoder.js";
import type { Variant } from "./variant.js";

export type { LossTerm, Noise, Phase, Variant } from "./variant.js";

/** Builds the variant named by `model.variant`; `rng` seeds every initial weight. */
export function buildVariant(model: RunConfig["model"], shape: ImageShape, rng: Rng): Variant {
  switch (model.variant) {
    case "ae":
      return buildAe(model, shape, rng);
    case "vae":
      return buildVae(model, shape, rng);
  }
}
