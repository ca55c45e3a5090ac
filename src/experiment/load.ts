import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyOverride, ConfigError, parseConfigText, validateConfig, type RunConfig } from "../config/index.js";
import { checkInsideLogdir } from "../util/inside-logdir.js";
import { checkClaimScopes, claimAxes } from "./claims.js";
import { expandGrid, type Cell } from "./grid.js";
import { cellLockPath } from "./lock.js";
import { readExperimentFile, type ExperimentSpec } from "./spec.js";

export interface ResolvedCell extends Cell {
  /** The run folder: `<logdir>/<experiment>/<cell name>`. */
  dir: string;
  /** Its output, captured: `<logdir>/<experiment>/logs/<cell name>.log`. */
  log: string;
  /** The config the cell's run gets (what `aelab train <base> --set ...` resolves to). */
  config: RunConfig;
}

export interface Experiment {
  spec: ExperimentSpec;
  /** `<logdir>/<name>`: the cells' runs, experiment.json, the HParams definition, logs/. */
  dir: string;
  cells: ResolvedCell[];
  excluded: string[];
}

/**
 * Reads an experiment file, expands its grid and resolves every cell's config the way the cell's
 * `aelab train` will (same parser, same overrides in the same order), so every error shows before
 * anything runs. A bad cell is reported in one line naming the file, the cell and the key, a bad claim naming
 * the claim and its comparison (spec.ts checks the rest of them against the grid); a symlink in the
 * logdir that would lead a cell's writes out of it, in one line naming the link.
 */
export function loadExperiment(file: string, options: { logdir: string; set?: readonly string[] }): Experiment {
  const spec = readExperimentFile(file);
  let baseText: string;
  try {
    baseText = readFileSync(spec.basePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `config error in ${file}: base ${spec.base}: ${code === "ENOENT" ? `file not found (looked for ${spec.basePath})` : `cannot read (${code})`}`,
    );
  }
  const baseRaw = parseConfigText(baseText, spec.basePath);
  const grid = expandGrid(spec);
  if (grid.cells.length === 0) throw new ConfigError(`config error in ${file}: exclude removes every cell of the grid`);

  const dir = join(options.logdir, spec.name);
  const errors: string[] = [];
  const cells: ResolvedCell[] = [];
  // Command-line overrides (--data, --set) come last, so they win over the file's, for every cell.
  for (const cell of grid.cells) cell.assignments.push(...(options.set ?? []));
  for (const cell of grid.cells) {
    const origin = `${file}, cell ${cell.name}`;
    try {
      const raw = structuredClone(baseRaw) as Record<string, unknown>;
      for (const assignment of cell.assignments) applyOverride(raw, assignment, origin);
      const config = validateConfig(raw, origin);
      cells.push({ ...cell, dir: join(dir, cell.name), log: join(dir, "logs", `${cell.name}.log`), config });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error.message);
    }
  }
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (${errors.length - 1} more of the ${grid.cells.length} cells have config errors)` : "";
    throw new ConfigError(`${errors[0]}${more}`);
  }
  // The claims' checks that need each cell's data: a comparison stays within one data set.
  checkClaimScopes(file, spec.claims, claimAxes(spec.axes), cells);
  // Every path the experiment writes (its folder, each cell's run folder, log and lock), before any is
  // written: a symlink already in the logdir must not lead them out of it.
  for (const path of [dir, ...cells.flatMap((cell) => [cell.dir, cell.log, cellLockPath(dir, cell.name)])]) checkInsideLogdir(options.logdir, path);
  return { spec, dir, cells, excluded: grid.excluded };
}
