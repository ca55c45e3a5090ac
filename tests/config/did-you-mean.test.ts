import { describe, expect, it } from "vitest";
import { closestKey, editDistance } from "../../src/config/closest-key.js";
import { knownKeys } from "../../src/config/known-keys.js";
import { loadConfig, validateConfig } from "../../src/config/load.js";
import { runConfigSchema } from "../../src/config/schema.js";

const message = (raw: unknown): string => {
  try {
    validateConfig(raw, "x.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a config error");
};

describe("an unknown key names the closest known one", () => {
  it("edit distance counts a swap of neighbours as one slip", () => {
    expect(editDistance("train", "train")).toBe(0);
    expect(editDistance("lrr", "lr")).toBe(1);
    expect(editDistance("trian", "train")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("the known keys come from the schema, through defaults, unions and lists", () => {
    const keys = knownKeys(runConfigSchema);
    for (const key of [
      "seed",
      "train.lr",
      "model.encoder.hidden",
      "model.encoder.filters",
      "model.discriminator.featureLayer",
      "data.source",
      "log.every",
      "train.optimizers.decoder.lr",
    ]) {
      expect(keys.has(key), key).toBe(true);
    }
  });

  it("suggests a near spelling beside the key, or the same name in another section", () => {
    expect(message({ train: { lrr: 0.1 } })).toBe("config error in x.yaml: unknown key train.lrr; did you mean train.lr?");
    expect(message({ lr: 0.1 })).toBe("config error in x.yaml: unknown key lr; did you mean train.lr?");
    expect(message({ trian: { lr: 0.1 } })).toBe("config error in x.yaml: unknown key trian; did you mean train?");
    expect(message({ model: { encoder: { type: "mlp", hiden: [8] } } })).toBe(
      "config error in x.yaml: unknown key model.encoder.hiden; did you mean model.encoder.hidden?",
    );
  });

  it("suggests nothing when nothing is close", () => {
    expect(message({ train: { banana: 1 } })).toBe("config error in x.yaml: unknown key train.banana");
    expect(closestKey("zzzzzz", knownKeys(runConfigSchema))).toBeUndefined();
  });

  it("reaches --set overrides too", () => {
    expect(() => loadConfig("configs/ae-mse.yaml", ["train.epoch=3"])).toThrow(/unknown key train.epoch; did you mean train.epochs\?$/);
  });
});
