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
      const rows = canonicalRows(verdictRows(spec, groups, references));
      const keys = rows.map((r) => `${String(r.claim)} | ${String(r.comparison)} | ${String(r.metric)}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(rows).toEqual(golden.presets[file]);
    });
  }
});
