import type * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/backend/index.js";
import { validateConfig } from "../../src/config/index.js";
import { assembleVariant, buildAutoencoder } from "../../src/models/base.js";
import { buildVariant, registerVariant, variantNames, type VariantDefinition } from "../../src/models/index.js";
import { Rng } from "../../src/random/rng.js";
import { runHparams } from "../../src/train/hparams.js";
import { SHAPE, smallConfig } from "../helpers/variant-harness.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

// Config checks never build: a variant whose build would be a mistake to call.
const unbuilt = (extra: Partial<VariantDefinition> = {}): VariantDefinition => ({
  build: () => {
    throw new Error("not built in these tests");
  },
  ...extra,
});

const config = (variant: string, adversarial: Record<string, unknown> = {}) => ({ model: { variant }, adversarial });

describe("registerVariant", () => {
  it("takes a new lower-case name only", () => {
    expect(() => registerVariant("My Variant", unbuilt())).toThrow("not a variant name");
    expect(() => registerVariant("vae+gan", unbuilt())).toThrow("vae+gan is a built-in variant");
    registerVariant("plain", unbuilt());
    expect(() => registerVariant("plain", unbuilt())).toThrow("a variant named plain is registered already");
    expect(variantNames()).toEqual(["ae", "vae", "aae", "vaegan", "ae+gan", "vae+gan", "plain"]);
  });

  it("refuses the adversarial options its phases do not claim, as for the built-in variants without them", () => {
    registerVariant("no-gan", unbuilt());
    registerVariant("decoder-gan", unbuilt({ adversary: "decoder" }));
    registerVariant("encoder-gan", unbuilt({ adversary: "encoder" }));
    expect(() => validateConfig(config("no-gan", { start: 10 }), "c")).toThrow(
      /^config error in c: adversarial\.start is for variants with an adversarial term \(ae\+gan, vae\+gan, aae, vaegan; got no-gan\)$/,
    );
    expect(() => validateConfig(config("no-gan", { weight: "adaptive" }), "c")).toThrow(
      "adversarial.weight adaptive is for variants with a GAN on the decoder",
    );
    expect(() => validateConfig(config("encoder-gan", { weight: { ratio: 0.1 } }), "c")).toThrow(
      "adversarial.weight ratio does not apply to variant encoder-gan: its adversarial term trains only the encoder",
    );
    expect(validateConfig(config("encoder-gan", { start: 10 }), "c").adversarial.start).toBe(10);
    expect(validateConfig(config("decoder-gan", { weight: "adaptive", start: 10 }), "c").adversarial.balance.mode).toBe("adaptive");
    // Without an adversary the run records no adversarial weight, as ae's and vae's do.
    expect([runHparams(smallConfig("no-gan")).adversarial_weight, runHparams(smallConfig("decoder-gan")).adversarial_weight]).toEqual([0, 1]);
  });

  it("adds its own rules, reported like the schema's, on the validated config", () => {
    registerVariant(
      "wide-code",
      unbuilt({ check: (c) => (c.model.latent.size < 8 ? [`model.latent.size must be >= 8 for variant wide-code (got ${c.model.latent.size})`] : []) }),
    );
    expect(() => validateConfig({ model: { variant: "wide-code", latent: { size: 4 } } }, "c")).toThrow(
      /^config error in c: model\.latent\.size must be >= 8 for variant wide-code \(got 4\)$/,
    );
    expect(validateConfig({ model: { variant: "wide-code", latent: { size: 8 } } }, "c").model.variant).toBe("wide-code");
    expect(() => validateConfig({ model: { variant: "wide-code", recon: "feature" } }, "c")).toThrow('model.recon "feature" is only for variant vaegan');
  });

  it("is assembled like a built-in one: a network trained by two phases is refused when it is built", () => {
    const built: tf.LayersModel[] = [];
    registerVariant("twice", {
      build({ model }, shape, rng) {
        const { encoder, decoder } = buildAutoencoder(model, shape, false, rng);
        built.push(encoder.model, decoder.model);
        const phase = (name: string) => ({ name, trains: ["decoder" as const], run: () => ({ terms: [] }) });
        return assembleVariant({ name: "twice", encoder, decoder, phases: [phase("first"), phase("second")] });
      },
    });
    expect(() => buildVariant(smallConfig("twice"), SHAPE, new Rng("w"))).toThrow("variant twice: decoder is trained by both first and second");
    for (const model of built) model.dispose();
  });

  it("is built only in a process that registered it", () => {
    const config = { ...smallConfig("ae"), model: { ...smallConfig("ae").model, variant: "elsewhere" } };
    expect(() => buildVariant(config, SHAPE, new Rng("w"))).toThrow(
      "variant elsewhere is not registered in this process: call registerVariant before building it",
    );
  });
});
