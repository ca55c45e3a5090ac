// What the config knows of variants: their names and which options their phases honour. The builders live in
// src/models/registry.ts, which adds a registered variant's name and rules here: the config never imports the models.
import type { RunConfig } from "./schema.js";

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

/** The rules a registered variant brings to config validation. */
export interface VariantRules {
  /** The adversarial options its phases honour (see AdversaryKind); default none. */
  adversary?: AdversaryKind;
  /** Rules of its own on the validated config: one sentence per problem, naming the keys (as config errors do). */
  check?(config: RunConfig): string[];
}

const registered = new Map<string, VariantRules>();

/** A name that is a config value and a TensorBoard hparam alike; `+` as in ae+gan. */
const NAME = /^[a-z][a-z0-9+_-]*$/;

/** Adds a registered variant's name and rules (registerVariant calls this); refuses a bad, built-in or taken name. */
export function addVariantName(name: string, rules: VariantRules): void {
  if (!NAME.test(name))
    throw new Error(`registerVariant: ${JSON.stringify(name)} is not a variant name (lower-case letters, digits, +, - and _, starting with a letter)`);
  if ((BUILT_IN_VARIANTS as readonly string[]).includes(name)) throw new Error(`registerVariant: ${name} is a built-in variant`);
  if (registered.has(name)) throw new Error(`registerVariant: a variant named ${name} is registered already`);
  registered.set(name, rules);
}

/** The rules of a registered variant, or undefined for a built-in or unknown name. */
export function variantRules(name: string): VariantRules | undefined {
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
