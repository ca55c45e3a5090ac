import type { RunConfig } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import { buildAaeVariant } from "./aae.js";
import { buildAutoencoderVariant } from "./autoencoder.js";
import { buildPixelGanVariant } from "./pixel-gan.js";
import { registeredVariant } from "./registry.js";
import { buildVaeganVariant } from "./vaegan.js";
import type { FeatureNetwork } from "../features/feature-network.js";
import { perceptualLoss } from "./perceptual-term.js";
import type { Variant } from "./variant.js";

export type { LossTerm, Noise, Phase, PhaseResult, Prior, StepContext, Variant } from "./variant.js";
export {
  BUILT_IN_VARIANTS,
  registerVariant,
  registeredVariant,
  variantNames,
  type AdversaryKind,
  type RegisteredVariantName,
  type VariantDefinition,
} from "./registry.js";

/** What a variant needs beyond its config: the frozen feature network of `model.perceptual` (train() loads it). */
export interface VariantExtras {
  perceptualNetwork?: FeatureNetwork;
}

/**
 * Builds the variant named by `model.variant`, a built-in one or one registered with registerVariant;
 * `rng` seeds every initial weight, encoder and decoder first.
 */
export function buildVariant(config: Pick<RunConfig, "model" | "adversarial">, shape: ImageShape, rng: Rng, extras: VariantExtras = {}): Variant {
  const { model, adversarial } = config;
  const perceptual = perceptualLoss(model, extras.perceptualNetwork);
  switch (model.variant) {
    case "ae":
      return buildAutoencoderVariant(model, shape, false, rng, perceptual);
    case "vae":
      return buildAutoencoderVariant(model, shape, true, rng, perceptual);
    case "ae+gan":
      return buildPixelGanVariant(model, adversarial, shape, false, rng, perceptual);
    case "vae+gan":
      return buildPixelGanVariant(model, adversarial, shape, true, rng, perceptual);
    case "aae":
      return buildAaeVariant(model, adversarial, shape, rng, perceptual);
    case "vaegan":
      return buildVaeganVariant(model, adversarial, shape, rng, perceptual);
    default: {
      const definition = registeredVariant(model.variant);
      // A validated config names a registered variant, but another process may have validated it.
      if (!definition) throw new Error(`variant ${model.variant} is not registered in this process: call registerVariant before building it`);
      if (perceptual)
        throw new Error(
          `model.perceptual is added by the built-in variants; registered variant ${model.variant} would ignore it (add perceptualLoss's term in its phases instead)`,
        );
      return definition.build(config, shape, rng);
    }
  }
}
