import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verdictRows } from "../../src/report/claims.js";
import { canonicalRows, presetRuns, PRESETS } from "./preset-runs.js";

/**
 * The shipped presets' verdict rows over a fixed set of made-up runs (preset-runs.ts), against a golden file
 * recorded from the hard-coded engine at commit e8f6f29 before the claims moved to the experiment files
 * (fixtures/preset-verdicts.json says so in `recordedFrom`). The claims, their comparisons and their prose
 * now come from experiments/*.yaml; every row, its numbers, its role and its verdict must come out as before.
 */
const golden = JSON.parse(readFileSync("tests/report/fixtures/preset-verdicts.json", "utf8")) as { recordedFrom: string; presets: Record<string, unknown[]> };

describe("the presets' verdict rows are the ones the hard-coded engine gave", () => {
  for (const file of PRESETS) {
    it(file, () => {
      const { spec, groups, references } = presetRuns(file);
      // Claims added since the recording (the full preset's perceptual arm, C7 and C8) are left out here: Holm
      // adjusts over every tallied row, so new rows change the recorded ones' adjusted p-values by design.
      const recordedClaims = new Set((golden.presets[file] as Array<{ claim: string }>).map((r) => r.claim));
      const recorded = { ...spec, claims: spec.claims?.filter((c) => recordedClaims.has(c.id)) };
      const rows = canonicalRows(verdictRows(recorded, groups, references));
      const keys = rows.map((r) => `${String(r.claim)} | ${String(r.comparison)} | ${String(r.metric)}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(rows).toEqual(golden.presets[file]);
      const added = canonicalRows(verdictRows(spec, groups, references)).filter((r) => !recordedClaims.has(String(r.claim)));
      const addedClaims = [...new Set(added.map((r) => String(r.claim)))];
      expect(addedClaims).toEqual(file === "experiments/adversarial-claim-full.yaml" ? ["C7", "C8"] : []);
    });
  }
});
