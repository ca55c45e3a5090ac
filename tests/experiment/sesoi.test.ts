import { describe, expect, it } from "vitest";
import { parseExperimentText } from "../../src/experiment/index.js";
import { resolveSesoi, SESOI_DEFAULTS, sesoiDefaults } from "../../src/experiment/sesoi.js";
import { errorOf } from "../helpers/config-error.js";

const BASE = "base: base.yaml\naxes: { seed: [1, 2] }\n";

describe("sesoi in an experiment file", () => {
  it("is optional: the defaults apply to every metric the file leaves out", () => {
    expect(parseExperimentText(BASE, "x.yaml").sesoi).toEqual({});
    const spec = parseExperimentText(`${BASE}sesoi:\n  pullTowardHalf: 0.005\n  sharpnessGradient: 0.1\n`, "x.yaml");
    expect(spec.sesoi).toEqual({ pullTowardHalf: 0.005, sharpnessGradient: 0.1 });
    expect(resolveSesoi(spec.sesoi)).toEqual({ ...sesoiDefaults(), pullTowardHalf: 0.005, sharpnessGradient: 0.1 });
    expect(resolveSesoi(undefined)).toEqual(sesoiDefaults());
    // The table's units, and those registered metrics of units of their own bring (the rate, in nats).
    expect(sesoiDefaults()).toMatchObject({ ...SESOI_DEFAULTS, rate: 0.5 });
  });

  it("rejects an unknown metric, a value that is not a positive number, and a sesoi that is not a map, each in one line naming the file and field", () => {
    expect(errorOf(() => parseExperimentText(`${BASE}sesoi: { pull: 0.01 }\n`, "x.yaml"))).toBe("config error in x.yaml: unknown key sesoi.pull");
    expect(errorOf(() => parseExperimentText(`${BASE}sesoi: { wasserstein: -0.01 }\n`, "x.yaml"))).toBe(
      "config error in x.yaml: sesoi.wasserstein must be > 0 (got -0.01)",
    );
    expect(errorOf(() => parseExperimentText(`${BASE}sesoi: { wasserstein: 0 }\n`, "x.yaml"))).toBe(
      "config error in x.yaml: sesoi.wasserstein must be > 0 (got 0)",
    );
    expect(errorOf(() => parseExperimentText(`${BASE}sesoi: { signedError: one grey level }\n`, "x.yaml"))).toBe(
      'config error in x.yaml: sesoi.signedError must be a number (got "one grey level")',
    );
    expect(errorOf(() => parseExperimentText(`${BASE}sesoi: 0.01\n`, "x.yaml"))).toMatch(/^config error in x\.yaml: sesoi must be a/);
  });

  it("every default is positive and finite", () => {
    for (const value of Object.values(sesoiDefaults())) expect(value > 0 && Number.isFinite(value)).toBe(true);
  });
});
