import { mkdirSync } from "node:fs";
import { firstLine } from "../util/first-line.js";
import { writeSeedBands } from "./bands.js";
import type { Experiment, ResolvedCell } from "./load.js";
import { planCell, refuseConflicts } from "./plan.js";
import { recordCellOutcomes, writeExperimentHparams, writeExperimentRecord } from "./record.js";
import { runCells, type CellResult, type RunnerOptions } from "./runner.js";

export type ReportWriter = (experimentDir: string) => Promise<{ reportPath: string }>;

export interface ExperimentOptions extends RunnerOptions {
  /** Re-run cells whose folder holds a run with another config (the old folder is moved aside). */
  force: boolean;
  /** Write the report once every cell has completed (never for a selection: other shards may still run), with writeReport. */
  report: boolean;
  /** Run only these cells (`--cell`, `--shard`); default every cell of the grid. */
  cells?: readonly ResolvedCell[];
  /**
   * Writes the report of the experiment folder: given by whoever composes the experiment with a report (the
   * CLI), so that experiment/ never imports report/. Without one, `report` says how to write it.
   */
  writeReport?: ReportWriter;
}

export interface ExperimentOutcome {
  results: CellResult[];
  interrupted: boolean;
  failed: CellResult[];
  /** Absent when the report was not attempted (--no-report, failed or interrupted cells). */
  report?: { path: string } | { error: string };
}

export interface RunningExperiment {
  done: Promise<ExperimentOutcome>;
  /** Ctrl-C: see RunningCells.interrupt. */
  interrupt(): void;
}

export function summaryLines(outcome: ExperimentOutcome): string[] {
  const by = (status: string) => outcome.results.filter((r) => r.status === status);
  const completed = by("completed");
  const skipped = by("skipped");
  const resumed = completed.filter((r) => r.action.kind === "resume");
  const parts = [`${completed.length + skipped.length} completed (${skipped.length} skipped, ${resumed.length} resumed)`];
  if (outcome.failed.length) parts.push(`${outcome.failed.length} failed`);
  if (by("interrupted").length) parts.push(`${by("interrupted").length} interrupted`);
  if (by("not started").length) parts.push(`${by("not started").length} not started`);
  if (by("elsewhere").length) parts.push(`${by("elsewhere").length} running elsewhere`);
  const lines = [`${outcome.results.length} cells: ${parts.join(", ")}`];
  for (const r of outcome.failed) lines.push(`  failed: ${r.cell.name}: ${r.message ?? "see its log"} (log: ${r.cell.log})`);
  return lines;
}

/**
 * Runs an experiment, or the selected cells of it: decides each cell's action (refusing before anything
 * runs if a cell was run with another config and `force` is off), writes experiment.json and the HParams
 * definition, runs the cells (each under its own lock, so runners of other shards, or of the same file,
 * on any machine sharing the folder never run a cell twice at once), and writes the report once all of
 * them have completed.
 */
export function startExperiment(experiment: Experiment, options: ExperimentOptions): RunningExperiment {
  mkdirSync(experiment.dir, { recursive: true });
  const selected = options.cells ?? experiment.cells;
  const selection = selected.length < experiment.cells.length;
  const plans = selected.map((cell) => ({ cell, action: planCell(cell, { force: options.force }) }));
  refuseConflicts(plans);
  writeExperimentRecord(experiment);
  writeExperimentHparams(experiment);
  const counts = new Map<string, number>();
  for (const p of plans) counts.set(p.action.kind, (counts.get(p.action.kind) ?? 0) + 1);
  const grid = experiment.spec.axes.map((a) => `${a.name} (${a.levels.length})`).join(" x ");
  const excluded = experiment.excluded.length ? `, ${experiment.excluded.length} excluded` : "";
  const todo = [
    ["run", "new"],
    ["resume", "to resume"],
    ["rerun", "to re-run"],
    ["replace", "to replace"],
    ["skip", "completed"],
  ]
    .filter(([kind]) => counts.has(kind))
    .map(([kind, label]) => `${counts.get(kind)} ${label}`)
    .join(", ");
  const of = selection ? `${plans.length} of its ${experiment.cells.length} cells` : `${plans.length} cells`;
  options.log(`experiment ${experiment.spec.name}: ${of} of ${grid}${excluded}: ${todo}; ${options.workers} at a time, in ${experiment.dir}`);
  const cells = runCells(experiment, plans, options);

  const done = (async (): Promise<ExperimentOutcome> => {
    const { results, interrupted } = await cells.done;
    // Each cell's status, convergence and learning curve, for the report.
    recordCellOutcomes(experiment.dir, results);
    const outcome: ExperimentOutcome = { results, interrupted, failed: results.filter((r) => r.status === "failed") };
    for (const line of summaryLines(outcome)) options.log(line);
    if (!interrupted) {
      // Each group's curves as one band over its seeds (derived data: a failure is said, and the cells stand).
      try {
        writeSeedBands(experiment.dir, { log: options.log });
      } catch (error) {
        options.log(`bands: not written (${firstLine(error)}); aelab report ${experiment.dir} writes them`);
      }
    }
    const busy = results.some((r) => r.status === "elsewhere");
    if (options.report && (selection || busy) && !interrupted) {
      options.log(`report: not written by a part of the experiment; once every part has finished: aelab report ${experiment.dir}`);
    } else if (options.report && !interrupted && outcome.failed.length === 0 && !options.writeReport) {
      options.log(`report: no report writer given; write it with: aelab report ${experiment.dir}`);
    } else if (options.report && !interrupted && outcome.failed.length === 0 && options.writeReport) {
      try {
        const report = await options.writeReport(experiment.dir);
        outcome.report = { path: report.reportPath };
        options.log(`report: ${report.reportPath}`);
      } catch (error) {
        outcome.report = { error: firstLine(error) };
      }
    }
    return outcome;
  })();
  return { done, interrupt: cells.interrupt };
}
