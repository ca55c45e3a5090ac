import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml, stringify } from "yaml";
import type { ExperimentSpec, Overrides } from "./spec.js";

/** One combination of levels: a normal run with the experiment's overrides and its levels' on top. */
export interface Cell {
  /** The levels' segments joined by "/": `ae-mse/none/seed-1`, also the run's folder under the experiment. */
  name: string;
  /** Axis name to level name, in axis order. */
  levels: Record<string, string>;
  /** `key=value` as `aelab train --set` takes them: the experiment's `set`, then each axis's level, in order. */
  assignments: string[];
  /** The same overrides merged (a later one wins), for people and the report. */
  overrides: Overrides;
}

export interface Grid {
  cells: Cell[];
  /** Names of the combinations `exclude` removed. */
  excluded: string[];
}

/**
 * A value as `--set` reads it back (as YAML): plain where that round-trips, flow YAML otherwise, so
 * `model.recon=mse`, `seed=1`, `model.encoder.hidden=[64, 32]`, `data.source="1"`.
 */
export function formatValue(value: unknown): string {
  const candidates =
    typeof value === "string"
      ? [value, JSON.stringify(value)]
      : [stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trimEnd()];
  for (const text of candidates) {
    if (!text.includes("\n") && isDeepStrictEqual(parseYaml(text), value)) return text;
  }
  return JSON.stringify(value);
}

export function assignment(key: string, value: unknown): string {
  return `${key}=${formatValue(value)}`;
}

function merge(target: Overrides, overrides: Overrides): void {
  for (const [key, value] of Object.entries(overrides)) {
    // Re-inserting moves a re-set key to the end, so the merged map keeps the order of application.
    delete target[key];
    target[key] = value;
  }
}

/** Every combination of one level per axis, the first axis varying slowest, minus the excluded ones. */
export function expandGrid(spec: ExperimentSpec): Grid {
  let combos: number[][] = [[]];
  for (const axis of spec.axes) combos = combos.flatMap((combo) => axis.levels.map((_, i) => [...combo, i]));

  const cells: Cell[] = [];
  const excluded: string[] = [];
  for (const combo of combos) {
    const levels: Record<string, string> = {};
    const assignments = Object.entries(spec.set).map(([k, v]) => assignment(k, v));
    const overrides: Overrides = { ...spec.set };
    const segments: string[] = [];
    spec.axes.forEach((axis, a) => {
      const level = axis.levels[combo[a]];
      levels[axis.name] = level.name;
      segments.push(level.segment);
      assignments.push(...Object.entries(level.overrides).map(([k, v]) => assignment(k, v)));
      merge(overrides, level.overrides);
    });
    const name = segments.join("/");
    const isExcluded = spec.exclude.some((partial) => Object.entries(partial).every(([axis, level]) => levels[axis] === level));
    if (isExcluded) excluded.push(name);
    else cells.push({ name, levels, assignments, overrides });
  }
  return { cells, excluded };
}
