import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { suggestKey } from "../../src/config/closest-key.js";
import { foldKeyName, KEY_ALIASES } from "../../src/config/key-aliases.js";
import { knownKeys } from "../../src/config/known-keys.js";
import { loadConfig, validateConfig } from "../../src/config/load.js";
import { runConfigSchema } from "../../src/config/schema.js";

const known = knownKeys(runConfigSchema);
const dir = mkdtempSync(join(tmpdir(), "aelab-aliases-"));

/** The one-line error a YAML file with this text gets. */
function fileError(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  try {
    loadConfig(file);
  } catch (error) {
    return (error as Error).message.replace(file, "x.yaml");
  }
  throw new Error("expected a config error");
}

function setError(assignment: string): string {
  try {
    loadConfig("configs/ae-mse.yaml", [assignment]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a config error");
}

function validateConfigError(raw: unknown): string {
  try {
    validateConfig(raw, "x.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a config error");
}

describe("the alias table", () => {
  it("points every alias at a key the schema has", () => {
    for (const alias of KEY_ALIASES) expect(known.has(alias.key), `${alias.name} -> ${alias.key}`).toBe(true);
  });

  it("holds no name twice and none that aelab's own spelling already finds", () => {
    const names = KEY_ALIASES.map((a) => foldKeyName(a.name));
    expect(new Set(names).size).toBe(names.length);
    const ownNames = new Set([...known].map((k) => k.slice(k.lastIndexOf(".") + 1).toLowerCase()));
    for (const alias of KEY_ALIASES) expect(ownNames.has(alias.name.toLowerCase()), alias.name).toBe(false);
  });

  it("answers every alias with its key, at the top and inside any section", () => {
    for (const alias of KEY_ALIASES) {
      for (const section of ["", "train.", "model.latent.", "adversarial."]) {
        expect(suggestKey(`${section}${alias.name}`, known), `${section}${alias.name}`).toEqual({ key: alias.key, alias: alias.name });
      }
    }
  });
});

describe("an unknown key that another framework's name is", () => {
  it("names aelab's key in a file, saying which name it took it for", () => {
    expect(fileError("lr", "learning_rate: 0.001\n")).toBe(
      "config error in x.yaml: unknown key learning_rate; did you mean train.lr? (learning_rate is called train.lr in aelab)",
    );
    expect(fileError("bs", "train:\n  batch_size: 64\n")).toBe(
      "config error in x.yaml: unknown key train.batch_size; did you mean train.batchSize? (batch_size is called train.batchSize in aelab)",
    );
    expect(fileError("latent", "model:\n  latent_dim: 16\n")).toBe(
      "config error in x.yaml: unknown key model.latent_dim; did you mean model.latent.size? (latent_dim is called model.latent.size in aelab)",
    );
    expect(fileError("epochs", "num_epochs: 5\n")).toBe(
      "config error in x.yaml: unknown key num_epochs; did you mean train.epochs? (num_epochs is called train.epochs in aelab)",
    );
  });

  it("names it for --set too", () => {
    const origin = (a: string) => `config error in configs/ae-mse.yaml (with --set ${a})`;
    expect(setError("learning_rate=1e-3")).toBe(
      `${origin("learning_rate=1e-3")}: unknown key learning_rate; did you mean train.lr? (learning_rate is called train.lr in aelab)`,
    );
    expect(setError("batch_size=64")).toBe(
      `${origin("batch_size=64")}: unknown key batch_size; did you mean train.batchSize? (batch_size is called train.batchSize in aelab)`,
    );
    expect(setError("latent_dim=16")).toBe(
      `${origin("latent_dim=16")}: unknown key latent_dim; did you mean model.latent.size? (latent_dim is called model.latent.size in aelab)`,
    );
    expect(setError("train.num_epochs=5")).toBe(
      `${origin("train.num_epochs=5")}: unknown key train.num_epochs; did you mean train.epochs? (num_epochs is called train.epochs in aelab)`,
    );
  });

  it("ignores case, underscores and hyphens", () => {
    for (const name of ["learningRate", "learning-rate", "LEARNING_RATE", "LearningRate"]) {
      expect(suggestKey(name, known), name).toEqual({ key: "train.lr", alias: "learning_rate" });
    }
    expect(setError("train.maxEpochs=2")).toMatch(
      /unknown key train\.maxEpochs; did you mean train\.epochs\? \(max_epochs is called train\.epochs in aelab\)$/,
    );
  });

  it("forgives a slip in an alias", () => {
    expect(fileError("slip", "learning_rat: 0.001\n")).toBe(
      "config error in x.yaml: unknown key learning_rat; did you mean train.lr? (learning_rate is called train.lr in aelab)",
    );
    expect(setError("batch_sise=64")).toMatch(/unknown key batch_sise; did you mean train\.batchSize\? \(batch_size is called train\.batchSize in aelab\)$/);
  });

  it("points at the per-network key inside train.optimizers", () => {
    expect(setError("train.optimizers.discriminator.learning_rate=2e-4")).toMatch(
      /did you mean train\.optimizers\.discriminator\.lr\? \(learning_rate is called train\.optimizers\.discriminator\.lr in aelab\)$/,
    );
    expect(suggestKey("discriminator_learning_rate", known)).toEqual({ key: "train.optimizers.discriminator.lr", alias: "discriminator_learning_rate" });
  });

  it("explains each of several unknown keys once", () => {
    expect(validateConfigError({ learning_rate: 1, batch_size: 2, lr: 3 })).toBe(
      "config error in x.yaml: unknown keys learning_rate, batch_size, lr; did you mean train.lr, train.batchSize? (learning_rate is called train.lr in aelab; batch_size is called train.batchSize in aelab)",
    );
  });

  it("prefers an alias spelt exactly to a near spelling of a key beside it", () => {
    expect(suggestKey("adversarial.kl_weight", known)).toEqual({ key: "model.beta", alias: "kl_weight" });
    expect(suggestKey("adversarial.discriminator_weight", known)).toEqual({ key: "adversarial.weight", alias: "discriminator_weight" });
  });
});

describe("no far-fetched guess", () => {
  it("suggests nothing for names aelab has no setting for, or that only look like an alias", () => {
    for (const name of [
      "weight_decay",
      "dropout",
      "warmup_steps",
      "num_workers",
      "embed_dim",
      "x_dim",
      "patch_size",
      "min_epochs",
      "per_device_eval_batch_size",
      "banana",
    ]) {
      expect(suggestKey(name, known), name).toBeUndefined();
    }
    expect(fileError("decay", "weight_decay: 0.01\n")).toBe("config error in x.yaml: unknown key weight_decay");
    expect(setError("weight_decay=0.01")).toMatch(/: unknown key weight_decay$/);
  });
});
