import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { errorOf } from "../helpers/config-error.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loadConfig", () => {
  it("fills defaults and keeps given values", () => {
    const config = loadConfig(file("ok.yaml", "seed: 7\nmodel: { variant: ae, recon: mse }\ntrain: { epochs: 3 }\n"));
    expect(config.seed).toBe(7);
    expect(config.model).toMatchObject({ variant: "ae", recon: "mse", latent: { size: 20 } });
    expect(config.train).toMatchObject({ epochs: 3, batchSize: 128, lr: 0.001, betas: [0.9, 0.999], optimizers: {} });
    expect(config.data.source).toBe("mnist");
  });

  it("names the file and key of an unknown key", () => {
    const path = file("unknown.yaml", "model:\n  reconn: bce\n");
    expect(errorOf(() => loadConfig(path))).toBe(`config error in ${path}: unknown key model.reconn; did you mean model.recon?`);
  });

  it("names the key, the rule and the value of a bad value", () => {
    const path = file("lr.yaml", "train:\n  lr: -1\n");
    expect(errorOf(() => loadConfig(path))).toBe(`config error in ${path}: train.lr must be > 0 (got -1)`);
    const enumPath = file("enum.yaml", "model: { recon: huber }\n");
    expect(errorOf(() => loadConfig(enumPath))).toBe(
      `config error in ${enumPath}: model.recon must be one of "mse", "bce", "l1", "cbernoulli", "gaussian", "laplace", "feature" (got "huber")`,
    );
  });

  it("names the key of a wrong type", () => {
    const path = file("type.yaml", "train:\n  epochs: ten\n");
    expect(errorOf(() => loadConfig(path))).toBe(`config error in ${path}: train.epochs must be a number (got "ten")`);
  });

  it("reports a missing file and broken YAML", () => {
    expect(errorOf(() => loadConfig(join(dir, "nope.yaml")))).toBe(`config error in ${join(dir, "nope.yaml")}: file not found`);
    const path = file("broken.yaml", "model: [unclosed\n");
    expect(errorOf(() => loadConfig(path))).toMatch(new RegExp(`^config error in ${path} line \\d+: not valid YAML`));
  });

  it("applies --set overrides with YAML types and validates them", () => {
    const path = file("base.yaml", "model: { variant: vae }\n");
    const config = loadConfig(path, ["train.epochs=2", "model.encoder.hidden=[64, 32]", "data.binarize=threshold"]);
    expect(config.train.epochs).toBe(2);
    expect(config.model.encoder.hidden).toEqual([64, 32]);
    expect(config.data.binarize).toBe("threshold");
    expect(errorOf(() => loadConfig(path, ["train.epochz=2"]))).toBe(
      `config error in ${path} (with --set train.epochz=2): unknown key train.epochz; did you mean train.epochs?`,
    );
    expect(errorOf(() => loadConfig(path, ["train.epochs"]))).toMatch(/--set expects key.path=value/);
  });

  it("accepts every shipped config", async () => {
    const { readdirSync } = await import("node:fs");
    const configs = readdirSync("configs").filter((f) => f.endsWith(".yaml"));
    expect(configs.length).toBeGreaterThanOrEqual(4);
    for (const name of configs) expect(() => loadConfig(join("configs", name))).not.toThrow();
  });
});
