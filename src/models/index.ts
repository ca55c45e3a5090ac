import type { RunConfig } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildAaeVariant } from "./aae.js";
import { buildAutoencoderVariant } from "./autoencoder.js";
import { buildPixelGanVariant } from "./pixel-gan.js";
import { buildVaeganVariant } from "./vaegan.js";
import type { Variant } from "./variant.js";

export type { LossTerm, Noise, Phase, PhaseResult, Prior, StepContext, Variant } from "./variant.js";

/** Builds the variant named by `model.variant`; `rng` seeds every initial weight, encoder and decoder first. */
export function buildVariant(config: Pick<RunConfig, "model" | "adversarial">, shape: ImageShape, rng: Rng): Variant {
  const { model, adversarial } = config;
  switch (model.variant) {
    case "ae":
      return buildAutoencoderVariant(model, shape, false, rng);
    case "vae":
      return buildAutoencoderVariant(model, shape, true, rng);
    case "ae+gan":
      return buildPixelGanVariant(model, adversarial, shape, false, rng);
    case "vae+gan":
      return buildPixelGanVariant(model, adversarial, shape, true, rng);
    case "aae":
      return buildAaeVariant(model, adversarial, shape, rng);
    case "vaegan":
      return buildVaeganVariant(model, adversarial, shape, rng);
  }
}
