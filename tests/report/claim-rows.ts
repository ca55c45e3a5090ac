import { parseExperimentText } from "../../src/experiment/spec.js";
import { claimRows } from "../../src/report/claims.js";
import { groupRuns, type Group, type MeasuredRun } from "../../src/report/groups.js";
import type { VerdictRow } from "../../src/report/rows.js";

/**
 * The verdict rows of made-up runs under claims written as an experiment file writes them (`claims:` and
 * anything else of the file but its axes, as YAML): the axes are read off the runs' levels, a seed axis
 * off their seeds, and the file is parsed and checked as `aelab experiment` parses it.
 */
export function rowsOf(runs: readonly MeasuredRun[], claims: string, references: readonly Group[] = []): VerdictRow[] {
  return claimRowsOf(runs, claims, references).rows;
}

export function claimRowsOf(
  runs: readonly MeasuredRun[],
  claims: string,
  references: readonly Group[] = [],
): ReturnType<typeof claimRows> & { spec: ReturnType<typeof parseExperimentText> } {
  const axes = new Map<string, string[]>();
  for (const run of runs) {
    for (const [axis, level] of Object.entries(run.levels)) {
      const levels = axes.get(axis) ?? [];
      if (!levels.includes(level)) levels.push(level);
      axes.set(axis, levels);
    }
  }
  const seeds = [...new Set(runs.map((r) => r.traits.seed))].sort((a, b) => a - b);
  const text = [
    "base: base.yaml",
    "axes:",
    ...[...axes].map(([axis, levels]) => `  ${axis}: [${levels.map((l) => JSON.stringify(l)).join(", ")}]`),
    `  seed: [${seeds.join(", ")}]`,
    claims,
  ].join("\n");
  const spec = parseExperimentText(text, "claims.yaml");
  return { spec, ...claimRows(spec, groupRuns(runs), references) };
}
