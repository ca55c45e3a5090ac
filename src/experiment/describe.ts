import type { Experiment } from "./load.js";
import { describeAction, type CellPlan } from "./plan.js";

/** What `--dry-run` prints: the grid, the overrides every cell gets, then one line per cell. */
export function describeExperiment(experiment: Experiment, plans: readonly CellPlan[]): string[] {
  const { spec } = experiment;
  const grid = spec.axes.map((a) => `${a.name} (${a.levels.map((l) => l.name).join(", ")})`).join(" x ");
  const shared = Object.keys(spec.set).length;
  const lines = [
    `experiment ${spec.name} (${spec.file}): ${plans.length} cells of ${grid}, runs in ${experiment.dir}`,
    `base ${spec.basePath}${shared ? `; every cell: ${plans[0]?.cell.assignments.slice(0, shared).join(" ")}` : ""}`,
  ];
  const width = Math.max(...plans.map((p) => p.cell.name.length));
  for (const { cell, action } of plans) {
    lines.push(`  ${cell.name.padEnd(width)}  ${cell.assignments.slice(shared).join(" ")}  [${describeAction(action)}]`);
  }
  if (experiment.excluded.length) lines.push(`excluded: ${experiment.excluded.join(", ")}`);
  return lines;
}
