import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { expandGrid, formatValue, loadExperiment, parseExperimentText } from "../../src/experiment/index.js";
import { errorOf } from "../helpers/config-error.js";

const dir = mkdtempSync(join(tmpdir(), "aelab-grid-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
file("base.yaml", "seed: 1\nmodel: { variant: vae, recon: bce }\n");

const CLAIM = `
name: claim
description: MSE or BCE, and does binarizing matter?
base: base.yaml
set:
  train.epochs: 3
axes:
  loss:
    ae-mse: { model.variant: ae, model.recon: mse }
    vae-bce: { model.variant: vae, model.recon: bce }
  binarize:
    none: { data.binarize: none }
    threshold: { data.binarize: threshold }
  seed: [1, 2, 3]
exclude:
  - { loss: vae-bce, binarize: threshold }
`;

describe("expandGrid", () => {
  it("takes every combination, the first axis slowest, names cells by their levels and drops excluded ones", () => {
    const spec = parseExperimentText(CLAIM, join(dir, "claim.yaml"));
    const { cells, excluded } = expandGrid(spec);
    expect(cells.map((c) => c.name)).toEqual([
      "ae-mse/none/seed-1",
      "ae-mse/none/seed-2",
      "ae-mse/none/seed-3",
      "ae-mse/threshold/seed-1",
      "ae-mse/threshold/seed-2",
      "ae-mse/threshold/seed-3",
      "vae-bce/none/seed-1",
      "vae-bce/none/seed-2",
      "vae-bce/none/seed-3",
    ]);
    expect(excluded).toEqual(["vae-bce/threshold/seed-1", "vae-bce/threshold/seed-2", "vae-bce/threshold/seed-3"]);
    const cell = cells[4];
    // The seed shorthand: level names are the values' text, the key is the axis name.
    expect(cell.levels).toEqual({ loss: "ae-mse", binarize: "threshold", seed: "2" });
    expect(cell.assignments).toEqual(["train.epochs=3", "model.variant=ae", "model.recon=mse", "data.binarize=threshold", "seed=2"]);
    expect(cell.overrides).toEqual({ "train.epochs": 3, "model.variant": "ae", "model.recon": "mse", "data.binarize": "threshold", seed: 2 });
    expect(spec.axes[2]).toMatchObject({ name: "seed", key: "seed", levels: [{ name: "1", overrides: { seed: 1 } }, { name: "2" }, { name: "3" }] });
  });

  it("applies a later axis's override of the same key after the earlier one", () => {
    const spec = parseExperimentText("base: b.yaml\nset: { train.epochs: 1 }\naxes:\n  long: { yes: { train.epochs: 5 } }\n", "x.yaml");
    const [cell] = expandGrid(spec).cells;
    expect(cell.assignments).toEqual(["train.epochs=1", "train.epochs=5"]);
    expect(cell.overrides).toEqual({ "train.epochs": 5 });
    expect(spec.name).toBe("x");
  });

  it("writes override values so that --set reads them back unchanged", () => {
    for (const value of ["mse", "1", "true", "a: b", 3, 0.001, 1e-7, true, [64, 32], { type: "mlp", hidden: [8] }, null]) {
      expect(parseYaml(formatValue(value))).toEqual(value);
    }
    expect(formatValue("mse")).toBe("mse");
    expect(formatValue([64, 32])).toBe("[64, 32]");
  });
});

describe("experiment file errors", () => {
  it("names the file and key of an unknown key", () => {
    const path = file("unknown.yaml", "base: base.yaml\naxes: { seed: [1] }\naxis: {}\n");
    expect(errorOf(() => loadExperiment(path, { logdir: dir }))).toBe(`config error in ${path}: unknown key axis; did you mean axes?`);
    const typo = file("typo.yaml", "base: base.yaml\naxes: { seed: [1] }\ndescripton: x\n");
    expect(errorOf(() => loadExperiment(typo, { logdir: dir }))).toBe(`config error in ${typo}: unknown key descripton; did you mean description?`);
  });

  it("names an unknown axis or level in exclude", () => {
    const axis = file("exclude-axis.yaml", "base: base.yaml\naxes: { seed: [1, 2] }\nexclude:\n  - { sed: 1 }\n");
    expect(errorOf(() => loadExperiment(axis, { logdir: dir }))).toBe(`config error in ${axis}: exclude.0: unknown axis sed (axes: seed)`);
    const level = file("exclude-level.yaml", "base: base.yaml\naxes: { seed: [1, 2] }\nexclude:\n  - { seed: 3 }\n");
    expect(errorOf(() => loadExperiment(level, { logdir: dir }))).toBe(
      `config error in ${level}: exclude.0.seed: 3 is not a level of axis seed (levels: 1, 2)`,
    );
  });

  it("names the file, the cell and the key of a cell whose overrides make an invalid config, before anything runs", () => {
    const path = file(
      "bad-cell.yaml",
      "base: base.yaml\naxes:\n  latent:\n    small: { model.latent.size: 2 }\n    none: { model.latent.size: 0 }\n  seed: [1, 2]\n",
    );
    expect(errorOf(() => loadExperiment(path, { logdir: dir }))).toBe(
      `config error in ${path}, cell none/seed-1: model.latent.size must be > 0 (got 0) (1 more of the 4 cells have config errors)`,
    );
    const unknown = file("bad-key.yaml", "base: base.yaml\naxes:\n  loss:\n    mse: { model.recn: mse }\n");
    expect(errorOf(() => loadExperiment(unknown, { logdir: dir }))).toBe(
      `config error in ${unknown}, cell mse: unknown key model.recn; did you mean model.recon?`,
    );
  });

  it("rejects axes that cannot name folders, a missing base and a grid that exclude empties", () => {
    const slash = file("slash.yaml", "base: base.yaml\naxes:\n  loss:\n    a/b: { model.recon: mse }\n");
    expect(errorOf(() => loadExperiment(slash, { logdir: dir }))).toMatch(/^config error in .*slash\.yaml: axes\.loss: "a\/b" cannot name a folder/);
    const shape = file("shape.yaml", "base: base.yaml\naxes:\n  loss: mse\n");
    expect(errorOf(() => loadExperiment(shape, { logdir: dir }))).toMatch(/axes\.loss must be a list of values .* or a map of named levels/);
    const twice = file("twice.yaml", "base: base.yaml\naxes:\n  seed: [1, 1]\n");
    expect(errorOf(() => loadExperiment(twice, { logdir: dir }))).toBe(`config error in ${twice}: axes.seed lists 1 twice`);
    const missing = file("missing.yaml", "base: nope.yaml\naxes: { seed: [1] }\n");
    expect(errorOf(() => loadExperiment(missing, { logdir: dir }))).toBe(
      `config error in ${missing}: base nope.yaml: file not found (looked for ${join(dir, "nope.yaml")})`,
    );
    const empty = file("empty.yaml", "base: base.yaml\naxes: { seed: [1] }\nexclude: [{ seed: 1 }]\n");
    expect(errorOf(() => loadExperiment(empty, { logdir: dir }))).toBe(`config error in ${empty}: exclude removes every cell of the grid`);
    const noBase = file("no-base.yaml", "axes: { seed: [1] }\n");
    expect(errorOf(() => loadExperiment(noBase, { logdir: dir }))).toBe(`config error in ${noBase}: base must be a string (got nothing)`);
  });

  it("resolves every cell's config as aelab train would, with the base relative to the experiment file", () => {
    const path = file("ok.yaml", CLAIM);
    const experiment = loadExperiment(path, { logdir: join(dir, "runs") });
    expect(experiment.dir).toBe(join(dir, "runs", "claim"));
    expect(experiment.spec.basePath).toBe(join(dir, "base.yaml"));
    const cell = experiment.cells.find((c) => c.name === "ae-mse/threshold/seed-2")!;
    expect(cell.dir).toBe(join(dir, "runs", "claim", "ae-mse", "threshold", "seed-2"));
    expect(cell.log).toBe(join(dir, "runs", "claim", "logs", "ae-mse", "threshold", "seed-2.log"));
    expect(cell.config).toMatchObject({ seed: 2, model: { variant: "ae", recon: "mse" }, data: { binarize: "threshold" }, train: { epochs: 3 } });
  });
});
