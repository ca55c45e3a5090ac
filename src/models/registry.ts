// Loading a config needs no backend: besides types, this file imports only the config's table of variant names.
import { addVariantName, type VariantRules } from "../config/variant-names.js";
import type { RunConfig } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import type { Variant } from "./variant.js";

/**
 * A variant added by name from the user's own code, made of the parts the built-in ones are made of: its
 * `build` makes the networks with `rng` (buildAutoencoder, buildWithPixelAdversary, buildWithLatentAdversary
 * draw the encoder's and decoder's weights first) and returns `assembleVariant({ name, encoder, decoder,
 * phases, ... })`, through the adversary's `attach` when it has one.
 *
 * What it gets checked, as a built-in one does: `model.variant` accepts its name once registered; the
 * model's own rules hold (recon feature is vaegan's only, model.scale goes with gaussian and laplace);
 * `adversary` decides which adversarial options the config refuses; `check` adds rules of its own. When it
 * is built, assembleVariant refuses a phase that trains a network the variant does not have, or a network
 * two phases train (one optimizer per network), and the adversarial builders refuse options their losses
 * cannot support. In training, as for every variant, each phase's gradient is taken with respect to the
 * networks it trains only, a step stops before any update when a phase's loss gives no gradient to one of
 * their variables, and a non-finite loss ends the run. Not checked: that its phases use the options its
 * `adversary` claims. A test log p(x) (nll, bpd) is estimated for the built-in VAEs only.
 */
export interface VariantDefinition extends VariantRules {
  /** The variant for this config and image shape; `rng` draws every initial weight. */
  build(config: Pick<RunConfig, "model" | "adversarial">, shape: ImageShape, rng: Rng): Variant;
}

const registered = new Map<string, VariantDefinition>();

/**
 * Adds a variant that `model.variant` can name. Register it before the config is validated (the schema
 * accepts registered names only) and in every process that builds such a run (eval, sample, an
 * experiment's cells, which run in child processes and know the built-in variants only).
 */
export function registerVariant(name: string, definition: VariantDefinition): void {
  addVariantName(name, definition);
  registered.set(name, definition);
}

export function registeredVariant(name: string): VariantDefinition | undefined {
  return registered.get(name);
}

export {
  adversaryOf,
  BUILT_IN_VARIANTS,
  variantNames,
  type AdversaryKind,
  type BuiltInVariant,
  type RegisteredVariantName,
} from "../config/variant-names.js";
