import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-sigma-"));
const shipped = readFileSync("configs/vae-sigma.yaml", "utf8");
if (!/^ {2}scale: learned/m.test(shipped)) throw new Error("configs/vae-sigma.yaml no longer sets model.scale: learned");

/** configs/vae-sigma.yaml (recon gaussian) with its `scale: learned` line replaced. */
function withScaleLine(line: string, name: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, shipped.replace(/^ {2}scale: learned.*$/m, line));
  return file;
}

describe("model.sigma, the σ-VAE paper's name for recon gaussian's scale", () => {
  it("sets model.scale, for a number, learned and optimal", () => {
    for (const [value, expected] of [
      ["0.5", 0.5],
      ["learned", "learned"],
      ["optimal", "optimal"],
    ] as const) {
      const model = loadConfig(withScaleLine(`  sigma: ${value}`, `sigma-${value}`)).model as Record<string, unknown>;
      expect(model.scale).toBe(expected);
      expect("sigma" in model).toBe(false);
    }
  });

  it("refuses both names at once, and sigma for another likelihood, in one line naming the key", () => {
    expect(() => loadConfig(withScaleLine("  scale: learned\n  sigma: learned", "both"))).toThrow(
      /model\.sigma and model\.scale name the same setting: give one of them/,
    );
    expect(() => loadConfig(withScaleLine("  sigma: 0.3", "laplace"), ["model.recon=laplace"])).toThrow(
      /model\.sigma is recon gaussian's σ \(got recon laplace/,
    );
    expect(() => loadConfig(withScaleLine("", "neither"))).toThrow(/model\.scale is required for recon gaussian/);
  });

  it("still names the closest model key for a misspelt one", () => {
    expect(() => loadConfig("configs/vae-sigma.yaml", ["model.sigmaa=0.5"])).toThrow(/did you mean model\.sigma\?/);
  });
});
