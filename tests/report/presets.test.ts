import { describe, expect, it } from "vitest";
import { loadConfig, type RunConfig } from "../../src/config/index.js";
import { expandGrid } from "../../src/experiment/grid.js";
import { readExperimentFile } from "../../src/experiment/spec.js";
import { verdictRows } from "../../src/report/claims.js";
import { groupRuns, traitsOf, type MeasuredRun } from "../../src/report/groups.js";
import { zeroMetrics } from "./measured-run.js";

/** Every cell of a preset with its resolved config, as `aelab experiment` would run it. */
function presetCells(file: string): Array<{ name: string; levels: Record<string, string>; config: RunConfig }> {
  const spec = readExperimentFile(file);
  return expandGrid(spec).cells.map((cell) => ({ name: cell.name, levels: cell.levels, config: loadConfig(spec.basePath, cell.assignments) }));
}

/** The preset's runs with made-up metrics that differ by seed (so every paired row can be tested), grouped as the report groups them. */
function presetRows(file: string) {
  const runs = presetCells(file).map((cell): MeasuredRun => {
    const { seed: _seed, ...levels } = cell.levels;
    const s = cell.config.seed;
    const v = 0.9 + 0.01 * s * (cell.name.length % 7);
    const push = (k: number) => ({ k, gradientRatio: v * k, laplacianRatio: v * k, highFrequencyRatio: v * k, mse: v * k, midGreyShare: 0.1 / k });
    const pushSweep = cell.config.data.binarize === "none" ? [push(1), push(3)] : undefined;
    const features = { rfid: v, kid: { mean: v / 100, std: 0 }, precision: v / 2, recall: v / 3 };
    const metrics = { ...zeroMetrics(), ...features, sharpnessRatio: { gradient: v, laplacianVariance: 0 }, ...(pushSweep ? { pushSweep } : {}) };
    return { cell: cell.name, group: Object.values(levels).join("/"), levels: cell.levels, traits: traitsOf(cell.config), metrics };
  });
  return verdictRows(readExperimentFile(file), groupRuns(runs));
}

describe("the presets", () => {
  for (const file of ["experiments/adversarial-claim.yaml", "experiments/adversarial-claim-full.yaml", "experiments/rate-distortion.yaml"]) {
    it(`${file}: every cell trains to convergence (early stopping on a validation split, a cap it can reach) and has no L1`, () => {
      const cells = presetCells(file);
      expect(cells.length).toBeGreaterThan(0);
      for (const { name, config } of cells) {
        expect(config.train.earlyStopping, name).toBeDefined();
        expect(config.data.validation, name).toBeGreaterThan(0);
        expect(config.train.epochs, name).toBeGreaterThanOrEqual(40);
        expect(config.model.recon, name).not.toBe("l1");
      }
    });
  }

  it("their GAN cells set the adversarial weight adaptively after a warm-up, and stop on the reconstruction term", () => {
    for (const file of ["experiments/adversarial-claim.yaml", "experiments/adversarial-claim-full.yaml"]) {
      const gans = presetCells(file).filter((c) => c.config.model.variant.endsWith("+gan"));
      expect(gans.length).toBeGreaterThan(0);
      for (const { name, config } of gans) {
        expect(config.adversarial.balance.mode, name).toBe("adaptive");
        expect(config.adversarial.start, name).toBeGreaterThan(0);
        expect(config.train.earlyStopping?.monitor, name).toBe("validation/autoencoder/recon");
      }
    }
  });

  it("the study's claims C1 to C6 (and the full preset's perceptual arm, C7 and C8) live in the preset files, each with its statement", () => {
    for (const file of ["experiments/adversarial-claim.yaml", "experiments/adversarial-claim-full.yaml", "experiments/rate-distortion.yaml"]) {
      const spec = readExperimentFile(file);
      expect(
        spec.claims.map((c) => c.id),
        file,
      ).toEqual(
        file.includes("full")
          ? ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]
          : ["C1", "C2", "C3", "C4", "C5", "C6"].slice(0, file.includes("rate-distortion") ? 5 : 6),
      );
      expect(
        spec.claims.filter((c) => c.analytic).map((c) => c.analytic),
        file,
      ).toEqual(["bce-asymmetry", "bce-near-half"]);
      expect(spec.question, file).not.toBe("");
      expect(spec.confounds.length, file).toBeGreaterThan(0);
    }
  });

  it("the quick preset answers C1 to C6 for AEs and VAEs on one scope, with three seeds", () => {
    const rows = presetRows("experiments/adversarial-claim.yaml");
    for (const claim of ["C1", "C2", "C3", "C4", "C5", "C6"])
      expect(rows.filter((r) => r.claim === claim && r.role === "evidence").length, claim).toBeGreaterThan(0);
    for (const claim of ["C3", "C4", "C5", "C6"]) {
      for (const family of ["AE", "VAE"])
        expect(
          rows.some((r) => r.claim === claim && r.comparison.startsWith(`${family}-`)),
          `${claim} ${family}`,
        ).toBe(true);
    }
    expect(rows.some((r) => r.acrossDatasets !== undefined)).toBe(false);
    expect(new Set(presetCells("experiments/adversarial-claim.yaml").map((c) => c.config.seed))).toEqual(new Set([1, 2, 3]));
  });

  it("the full preset compares within MLP on MNIST, MLP on Fashion-MNIST and conv on MNIST, and says whether MNIST and Fashion-MNIST agree", () => {
    const rows = presetRows("experiments/adversarial-claim-full.yaml");
    const scopes = new Set(rows.filter((r) => r.scope && r.scope.networks !== "-").map((r) => `${r.scope!.networks} ${r.scope!.dataset}`));
    expect(scopes).toEqual(new Set(["mlp/mlp mnist", "mlp/mlp fashion-mnist", "conv/conv mnist"]));
    const mlpMnist = rows.filter((r) => r.scope?.networks === "mlp/mlp" && r.scope.dataset === "mnist" && r.role !== "reference");
    expect(mlpMnist.length).toBeGreaterThan(0);
    expect(mlpMnist.filter((r) => r.acrossDatasets === undefined).map((r) => `${r.claim} ${r.comparison} ${r.metric}`)).toEqual([]);
    const conv = rows.filter((r) => r.scope?.networks === "conv/conv" && r.role !== "reference");
    expect(conv.length).toBeGreaterThan(0);
    expect(new Set(conv.map((r) => r.acrossDatasets))).toEqual(new Set(["measured on mnist only"]));
    expect(rows.some((r) => r.comparison.startsWith("[mlp/mlp, mnist] AE-MSE+GAN(λ=0.1×adaptive) − AE-MSE"))).toBe(true);
  });

  it("the full preset's perceptual arm compares fixed pixel, fixed perceptual and learned adversarial losses on sharpness, rFID, KID, precision, recall and fidelity", () => {
    const rows = presetRows("experiments/adversarial-claim-full.yaml").filter((r) => r.claim === "C7" || r.claim === "C8");
    const metricsOf = (claim: string) => new Set(rows.filter((r) => r.claim === claim).map((r) => r.metric));
    for (const claim of ["C7", "C8"]) {
      for (const label of ["rFID (aelab feature network)", "rKID (aelab feature network)", "precision (k = 3)", "recall (k = 3)"])
        expect(metricsOf(claim).has(label), `${claim} ${label}`).toBe(true);
    }
    expect(metricsOf("C7").has("MSE (sum per image)")).toBe(true);
    expect(rows.some((r) => r.comparison.includes("AE-MSE+GAN") && r.comparison.includes("AE-MSE+PERCEPTUAL"))).toBe(true);
    // Measured on both datasets with the MLP networks only (the conv networks have no perceptual arm).
    expect(new Set(rows.filter((r) => r.scope).map((r) => `${r.scope!.networks} ${r.scope!.dataset}`))).toEqual(
      new Set(["mlp/mlp mnist", "mlp/mlp fashion-mnist"]),
    );
  });
});
