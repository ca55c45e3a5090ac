// Types only: the config schema reads the names, and loading a config needs no backend.
import type { RunConfig } from "../config/schema.js";
import type { ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import type { Variant } from "./variant.js";

/** The variants buildVariant makes itself. */
export const BUILT_IN_VARIANTS = ["ae", "vae", "aae", "vaegan", "ae+gan", "vae+gan"] as const;
export type BuiltInVariant = (typeof BUILT_IN_VARIANTS)[number];

/** A variant's name registered from outside aelab (registerVariant); `string & {}` keeps the built-in names' completion. */
export type RegisteredVariantName = string & {};

/**
 * Which adversarial options a variant's phases honour, so the config refuses the others rather than train
 * silently without them: "decoder", a GAN term the decoder descends (adversarial.start and every
 * adversarial.weight balance: ae+gan, vae+gan, vaegan); "encoder", a term only the encoder descends
 * (adversarial.start and a fixed weight: aae); none, neither.
 */
export type AdversaryKind = "decoder" | "encoder";

const BUILT_IN_ADVERSARY: Record<BuiltInVariant, AdversaryKind | undefined> = {
  ae: undefined,
  vae: undefined,
  aae: "encoder",
  vaegan: "decoder",
  "ae+gan": "decoder",
  "vae+gan": "decoder",
};

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
export interface VariantDefinition {
  /** The variant for this config and image shape; `rng` draws every initial weight. */
  build(config: Pick<RunConfig, "model" | "adversarial">, shape: ImageShape, rng: Rng): Variant;
  /** The adversarial options its phases honour (see AdversaryKind); default none. */
  adversary?: AdversaryKind;
  /** Rules of its own on the validated config: one sentence per problem, naming the keys (as config errors do). */
  check?(config: RunConfig): string[];
}

const registered = new Map<string, VariantDefinition>();

/** A name that is a config value and a TensorBoard hparam alike; `+` as in ae+gan. */
const NAME = /^[a-z][a-z0-9+_-]*$/;

/**
 * Adds a variant that `model.variant` can name. Register it before the config is validated (the schema
 * accepts registered names only) and in every process that builds such a run (eval, sample, an
 * experiment's cells, which run in child processes and know the built-in variants only).
 */
export function registerVariant(name: string, definition: VariantDefinition): void {
  if (!NAME.test(name))
    throw new Error(`registerVariant: ${JSON.stringify(name)} is not a variant name (lower-case letters, digits, +, - and _, starting with a letter)`);
  if ((BUILT_IN_VARIANTS as readonly string[]).includes(name)) throw new Error(`registerVariant: ${name} is a built-in variant`);
  if (registered.has(name)) throw new Error(`registerVariant: a variant named ${name} is registered already`);
  registered.set(name, definition);
}

export function registeredVariant(name: string): VariantDefinition | undefined {
  return registered.get(name);
}

/** What `model.variant` accepts: the built-in names, then the registered ones. */
export function variantNames(): string[] {
  return [...BUILT_IN_VARIANTS, ...registered.keys()];
}

/** The adversarial options `variant` honours: the built-in table, or what its registration says. */
export function adversaryOf(variant: string): AdversaryKind | undefined {
  if ((BUILT_IN_VARIANTS as readonly string[]).includes(variant)) return BUILT_IN_ADVERSARY[variant as BuiltInVariant];
  return registered.get(variant)?.adversary;
}
