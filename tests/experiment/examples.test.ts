import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExperiment } from "../../src/experiment/index.js";

// Every example experiment loads as `aelab experiment` loads it (grid, configs, claims), before any cell runs.
describe("experiments/examples", () => {
  const files = readdirSync("experiments/examples").filter((f) => f.endsWith(".yaml"));

  it("holds at least one experiment with a question and claims of its own", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} loads, with a question and claims none of which is the loss study's`, () => {
      const { spec, cells } = loadExperiment(join("experiments/examples", file), { logdir: "runs" });
      expect(cells.length).toBeGreaterThan(0);
      expect(spec.question).not.toBe("");
      expect(spec.claims.length).toBeGreaterThan(0);
      expect(spec.claims.map((c) => c.id).filter((id) => /^C[1-6]$/.test(id))).toEqual([]);
    });
  }
});
