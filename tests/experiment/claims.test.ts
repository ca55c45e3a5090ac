import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExperiment, parseExperimentText } from "../../src/experiment/index.js";
import { errorOf } from "../helpers/config-error.js";

const GRID = `base: base.yaml
axes:
  beta:
    beta-1: { model.beta: 1 }
    beta-4: { model.beta: 4 }
  recon:
    bce: { model.recon: bce }
    mse: { model.recon: mse }
  seed: [1, 2]
exclude:
  - { beta: beta-4, recon: mse }
`;

const parse = (claims: string) => parseExperimentText(`${GRID}${claims}`, "x.yaml");
const claim = (comparison: string) => `claims:\n  - id: H1\n    statement: A larger β blurs.\n    comparisons:\n      - ${comparison}\n`;

describe("claims in an experiment file", () => {
  it("are optional: a file without them has none, and no question or confounds", () => {
    const spec = parseExperimentText(GRID, "x.yaml");
    expect(spec).toMatchObject({ claims: [], question: "", confounds: [] });
  });

  it("spread a list of metrics into one comparison each, with the claim's role, and keep the question and confounds", () => {
    const spec = parse(`question: Does a larger β blur?
confounds: ["**Rate.** A larger β spends fewer nats."]
claims:
  - id: H1
    statement: A larger β blurs.
    comparisons:
      - { a: { beta: beta-4 }, b: { beta: beta-1 }, where: { recon: bce }, metric: [sharpness, highFrequency], expect: less }
  - id: M1
    statement: A larger β spends fewer nats.
    role: manipulation-check
    comparisons:
      - { a: { beta: beta-4 }, b: { beta: beta-1 }, where: { recon: bce }, metric: rate, expect: less, sesoi: 1 }
`);
    expect(spec.question).toBe("Does a larger β blur?");
    expect(spec.confounds).toEqual(["**Rate.** A larger β spends fewer nats."]);
    expect(spec.claims.map((c) => [c.id, c.comparisons.map((k) => `${k.metric}:${k.role}:${k.expect}`)])).toEqual([
      ["H1", ["sharpness:tallied:less", "highFrequency:tallied:less"]],
      ["M1", ["rate:manipulation-check:less"]],
    ]);
    expect(spec.claims[1].comparisons[0]).toMatchObject({
      entry: "claims.1 (M1), comparisons.0",
      a: { beta: "beta-4" },
      b: { beta: "beta-1" },
      where: { recon: "bce" },
      sesoi: 1,
      quoteReference: false,
    });
  });

  it("read a list axis's values as level names, numbers included", () => {
    const spec = parseExperimentText(
      `base: base.yaml\naxes: { latent: [2, 8], seed: [1, 2] }\n${claim("{ a: { latent: 8 }, b: { latent: 2 }, metric: mse, expect: less }")}`,
      "x.yaml",
    );
    expect(spec.claims[0].comparisons[0]).toMatchObject({ a: { latent: "8" }, b: { latent: "2" } });
  });
});

describe("a bad declaration is one line naming the entry", () => {
  const fails = (claims: string) => errorOf(() => parse(claims));

  it("an unknown metric, with the closest registered name", () => {
    expect(fails(claim("{ a: { beta: beta-4 }, b: { beta: beta-1 }, where: { recon: bce }, metric: [sharpness, sharpnes], expect: less }"))).toMatch(
      /^config error in x\.yaml: claims\.0 \(H1\), comparisons\.0: unknown metric "sharpnes"; did you mean sharpness\? \(registered: reliabilityPull, sharpness, .*\)$/,
    );
  });

  it("an unknown analytic check, a claim with neither comparisons nor a check, and two claims with one id", () => {
    expect(fails("claims:\n  - { id: C1, statement: x, analytic: bce-asymetry }\n")).toMatch(
      /^config error in x\.yaml: claims\.0 \(C1\): unknown analytic check "bce-asymetry"; did you mean bce-asymmetry\?/,
    );
    expect(fails("claims:\n  - { id: C1, statement: x }\n")).toBe("config error in x.yaml: claims.0 (C1): a claim needs comparisons (or an analytic check)");
    expect(fails("claims:\n  - { id: C1, statement: x, analytic: bce-asymmetry }\n  - { id: C1, statement: y, analytic: bce-near-half }\n")).toBe(
      "config error in x.yaml: claims.1 (C1): another claim has the id C1",
    );
  });

  it("a group that matches no cell: an unknown axis, an unknown level, or levels every cell with which is excluded", () => {
    expect(fails(claim("{ a: { bta: beta-4 }, b: { bta: beta-1 }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a names no axis of this experiment: bta; did you mean beta? (axes: beta, recon, seed)",
    );
    expect(fails(claim("{ a: { beta: beta-2 }, b: { beta: beta-1 }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a.beta: beta-2 is not a level of axis beta; did you mean beta-1? (levels: beta-1, beta-4)",
    );
    expect(fails(claim("{ a: { beta: beta-4 }, b: { beta: beta-1 }, where: { recon: mse }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a matches no cell: every cell with beta: beta-4, recon: mse is excluded",
    );
  });

  it("sides that never share their other levels, and sides that name different axes", () => {
    const apart = `base: base.yaml\naxes:\n  beta: { beta-1: {}, beta-4: {} }\n  recon: { bce: {}, mse: {} }\n  seed: [1, 2]\nexclude: [{ beta: beta-4, recon: mse }, { beta: beta-1, recon: bce }]\n`;
    expect(errorOf(() => parseExperimentText(`${apart}${claim("{ a: { recon: mse }, b: { recon: bce }, metric: sharpness, expect: less }")}`, "x.yaml"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a and b match cells, but never two that share their levels of the other axes, so there is nothing to compare",
    );
    expect(fails(claim("{ a: { beta: beta-4 }, b: { recon: mse }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a and b must name the same axes (a: beta; b: recon); levels both share go in where",
    );
  });

  it("the seed axis named, a side missing, an axis named twice", () => {
    expect(fails(claim("{ a: { seed: 1 }, b: { seed: 2 }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: a names the seed axis seed: comparisons pair runs by seed, they do not select seeds",
    );
    expect(fails(claim("{ a: { beta: beta-4 }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: compare a with b (levels) or against a constant (against: 0), one of the two",
    );
    expect(fails(claim("{ a: { beta: beta-4 }, b: { beta: beta-1 }, where: { beta: beta-1 }, metric: sharpness, expect: less }"))).toBe(
      "config error in x.yaml: claims.0 (H1), comparisons.0: beta is in where and in a or b: name each axis in one place",
    );
  });

  it("a misspelt field or an unknown value, in the config loader's words", () => {
    expect(fails(claim("{ a: { beta: beta-4 }, b: { beta: beta-1 }, metrc: sharpness, expect: less }"))).toMatch(
      /^config error in x\.yaml: unknown key claims\.0\.comparisons\.0\.metrc; did you mean claims\.\*\.comparisons\.\*\.metric\?/,
    );
    expect(fails(claim("{ a: { beta: beta-4 }, b: { beta: beta-1 }, metric: sharpness, expect: smaller }"))).toBe(
      'config error in x.yaml: claims.0.comparisons.0.expect must be one of "greater", "less", "equivalent" (got "smaller")',
    );
  });
});

describe("checked when the experiment is loaded, before any cell runs", () => {
  const logdir = mkdtempSync(join(tmpdir(), "aelab-claims-"));
  const file = join(logdir, "two-datasets.yaml");
  const other = mkdtempSync(join(tmpdir(), "aelab-other-data-"));

  it("a comparison across two datasets is one line naming the entry, and nothing is written", () => {
    writeFileSync(
      file,
      `base: ${resolve("configs/ae-mse.yaml")}
axes:
  dataset:
    mnist: { data.source: mnist }
    other: { data.source: ${other} }
  seed: [1, 2]
${claim("{ a: { dataset: other }, b: { dataset: mnist }, metric: sharpness, expect: less }")}`,
    );
    expect(errorOf(() => loadExperiment(file, { logdir }))).toBe(
      `config error in ${file}: claims.0 (H1), comparisons.0: compares runs on ${other.split("/").pop()} with runs on mnist; a comparison stays within one data set (name the dataset axis in where, or leave it free)`,
    );
    expect(existsSync(join(logdir, "two-datasets"))).toBe(false);
  });

  it("the same axis left free is compared within each dataset, and loads", () => {
    writeFileSync(
      file,
      `base: ${resolve("configs/ae-mse.yaml")}
axes:
  dataset:
    mnist: { data.source: mnist }
    other: { data.source: ${other} }
  loss:
    mse: { model.recon: mse }
    bce: { model.recon: bce }
  seed: [1, 2]
${claim("{ a: { loss: bce }, b: { loss: mse }, metric: sharpness, expect: less, scope: { dataset: mnist } }")}`,
    );
    expect(loadExperiment(file, { logdir }).spec.claims[0].comparisons[0].scope).toEqual({ dataset: "mnist" });
  });

  it("a scope that keeps none of a comparison's groups", () => {
    writeFileSync(
      file,
      `base: ${resolve("configs/ae-mse.yaml")}\naxes:\n  loss:\n    mse: { model.recon: mse }\n    bce: { model.recon: bce }\n  seed: [1, 2]\n${claim("{ a: { loss: bce }, b: { loss: mse }, metric: sharpness, expect: less, scope: { dataset: fashion } }")}`,
    );
    expect(errorOf(() => loadExperiment(file, { logdir }))).toBe(
      `config error in ${file}: claims.0 (H1), comparisons.0: scope {"dataset":"fashion"} keeps none of a's cells (their data: mnist)`,
    );
  });
});
