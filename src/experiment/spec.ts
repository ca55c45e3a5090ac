import { basename, dirname, extname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { ConfigError, readConfigFile } from "../config/index.js";
import { folderNameError, quoteName } from "../config/folder-name.js";
import { formatIssue } from "../config/format-issue.js";
import { knownKeys } from "../config/known-keys.js";
import { parseYamlText } from "../config/load.js";
import { checkClaims, claimAxes, claimSchema, type ClaimSpec } from "./claims.js";
import { expandGrid } from "./grid.js";
import { sesoiDefaults, type Sesoi } from "./sesoi.js";

/** Dotted config keys to YAML values, applied in order like `--set key=value`. */
export type Overrides = Record<string, unknown>;

export interface Level {
  /** The name exclude lists and the report use: the map key, or the value's text for a list axis. */
  name: string;
  /** This level's part of a cell's name (and folder): the level name, or `<axis>-<value>` for a list axis. */
  segment: string;
  overrides: Overrides;
}

export interface Axis {
  name: string;
  /** A list axis (`seed: [1, 2, 3]`) sets the config key named like the axis. */
  key?: string;
  levels: Level[];
}

/** An experiment file, checked: names are usable as folder names, exclude names real axes and levels. */
export interface ExperimentSpec {
  file: string;
  name: string;
  description: string;
  /** `base` as written in the file (relative to the file). */
  base: string;
  /** The base config's path as the runs are given it (relative to the working folder if the file's is). */
  basePath: string;
  set: Overrides;
  axes: Axis[];
  exclude: Record<string, string>[];
  /** Smallest effects of interest the file declares, per unit (the report fills in the defaults for the rest). */
  sesoi: Partial<Sesoi>;
  /** The question the experiment asks: the report's title. */
  question: string;
  /** What it claims and the comparisons that test each claim (claims.ts), checked against the grid. */
  claims: ClaimSpec[];
  /** What could explain a difference besides the thing varied, and how the experiment controls it: the report's prose, as written. */
  confounds: string[];
}

// A level or experiment name becomes a folder name: no separators, no leading dot.
const NAME = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** An experiment file as written; each key's `.describe()` is its line in docs/config.md (scripts/config-reference.ts). */
export const experimentFileSchema = z.strictObject({
  name: z.string().optional().describe("The experiment's folder under --logdir; unset: the file's name"),
  description: z.string().default("").describe("What the runs are, for the report's reader (markdown, quoted as written)"),
  base: z.string().min(1).describe("The run config every cell starts from, relative to this file"),
  set: z.record(z.string(), z.unknown()).default({}).describe("Overrides every cell gets on top of base: dotted config keys to values, like --set"),
  axes: z
    .record(z.string(), z.unknown())
    .describe("The grid: a map axis names its levels, each a map of overrides; a list axis (seed: [1, 2, 3]) sets the key it is named after"),
  exclude: z.array(z.record(z.string(), scalar)).default([]).describe('Combinations left out, each a map of axis to level: { beta: beta-4, seed: "3" }'),
  sesoi: z
    .record(z.string(), z.number().positive())
    .default({})
    .describe("Smallest effects of interest by unit (src/experiment/sesoi.ts), for the comparisons that set none"),
  question: z.string().default("").describe("The question the report answers: its title"),
  claims: z.array(claimSchema).default([]).describe("What the experiment claims, each tested by comparisons between groups of runs"),
  confounds: z
    .array(z.string().min(1))
    .default([])
    .describe("What could explain a difference besides the thing varied, and how it is controlled: a markdown paragraph each"),
});

const fileKeys = knownKeys(experimentFileSchema);

/** A problem at `path` of the file, phrased like the config loader's (`config error in <file>: <key> ...`). */
function fail(file: string, raw: unknown, issue: z.core.$ZodIssue): never {
  throw new ConfigError(`config error in ${file}: ${formatIssue(issue, raw, fileKeys)}`);
}

function custom(path: PropertyKey[], message: string): z.core.$ZodIssue {
  return { code: "custom", path, message, input: undefined } as z.core.$ZodIssue;
}

/**
 * A name that becomes a folder under the logdir: one that would lead out of it is refused first, saying
 * so; NAME then keeps it to one plain folder name.
 */
function refuseEscape(file: string, raw: unknown, path: PropertyKey[], label: string, what: string, name: string): void {
  const error = folderNameError(label, what, name);
  if (error) fail(file, raw, custom(path, error));
}

function checkOverrides(file: string, raw: unknown, path: string[], value: unknown): Overrides {
  const where = path.join(".");
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    fail(
      file,
      raw,
      custom(path, `${where} must be a map of overrides, dotted config keys to values, e.g. { model.recon: mse } (got ${JSON.stringify(value)})`),
    );
  }
  for (const key of Object.keys(value)) {
    if (!KEY.test(key)) fail(file, raw, custom(path, `${where}: ${JSON.stringify(key)} is not a config key (dotted names, e.g. model.recon)`));
  }
  return value as Overrides;
}

function checkAxis(file: string, raw: unknown, name: string, value: unknown): Axis {
  const path = ["axes", name];
  refuseEscape(file, raw, path, "axes: axis", "an axis name", name);
  if (!NAME.test(name)) {
    fail(file, raw, custom(path, `axes: ${quoteName(name)} is not a usable axis name (letters, digits, . _ + -; it names folders)`));
  }
  if (Array.isArray(value)) {
    // The shorthand `seed: [1, 2, 3]`: the axis names the config key it sets.
    if (!KEY.test(name))
      fail(file, raw, custom(path, `axes.${name}: a list axis sets the config key named like it, and ${JSON.stringify(name)} is not a config key`));
    if (value.length === 0) fail(file, raw, custom(path, `axes.${name} must list at least one value`));
    const levels = value.map((v, i): Level => {
      const parsed = scalar.safeParse(v);
      if (!parsed.success)
        fail(
          file,
          raw,
          custom([...path, i], `axes.${name}.${i} must be a number, string or boolean (got ${JSON.stringify(v)}); for maps of overrides use named levels`),
        );
      const levelName = String(parsed.data);
      refuseEscape(file, raw, [...path, i], `axes.${name}.${i}: value`, "a level name", levelName);
      if (!NAME.test(levelName))
        fail(file, raw, custom([...path, i], `axes.${name}.${i}: ${quoteName(levelName)} cannot name a folder (letters, digits, . _ + -)`));
      return { name: levelName, segment: `${name}-${levelName}`, overrides: { [name]: parsed.data } };
    });
    const duplicate = levels.find((level, i) => levels.findIndex((l) => l.name === level.name) !== i);
    if (duplicate) fail(file, raw, custom(path, `axes.${name} lists ${duplicate.name} twice`));
    return { name, key: name, levels };
  }
  if (value === null || typeof value !== "object") {
    fail(
      file,
      raw,
      custom(
        path,
        `axes.${name} must be a list of values (seed: [1, 2, 3]) or a map of named levels, each a map of overrides (got ${JSON.stringify(value ?? null)})`,
      ),
    );
  }
  const entries = Object.entries(value);
  if (entries.length === 0) fail(file, raw, custom(path, `axes.${name} must have at least one level`));
  const levels = entries.map(([levelName, overrides]): Level => {
    refuseEscape(file, raw, [...path, levelName], `axes.${name}: level`, "a level name", levelName);
    if (!NAME.test(levelName))
      fail(file, raw, custom([...path, levelName], `axes.${name}: ${quoteName(levelName)} cannot name a folder (letters, digits, . _ + -)`));
    return { name: levelName, segment: levelName, overrides: checkOverrides(file, raw, [...path, levelName], overrides) };
  });
  return { name, levels };
}

function checkExclude(file: string, raw: unknown, axes: Axis[], exclude: Record<string, string | number | boolean>[]): Record<string, string>[] {
  return exclude.map((entry, i) => {
    const where = `exclude.${i}`;
    if (Object.keys(entry).length === 0) fail(file, raw, custom(["exclude", i], `${where} is empty (it would exclude every cell)`));
    const levels: Record<string, string> = {};
    for (const [axisName, level] of Object.entries(entry)) {
      const axis = axes.find((a) => a.name === axisName);
      if (!axis) fail(file, raw, custom(["exclude", i, axisName], `${where}: unknown axis ${axisName} (axes: ${axes.map((a) => a.name).join(", ")})`));
      const name = String(level);
      if (!axis.levels.some((l) => l.name === name)) {
        fail(
          file,
          raw,
          custom(
            ["exclude", i, axisName],
            `${where}.${axisName}: ${name} is not a level of axis ${axisName} (levels: ${axis.levels.map((l) => l.name).join(", ")})`,
          ),
        );
      }
      levels[axisName] = name;
    }
    return levels;
  });
}

export function parseExperimentText(text: string, file: string): ExperimentSpec {
  const raw = parseYamlText(text, `config error in ${file}`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(
      `config error in ${file}: an experiment file is a mapping with base, axes and optionally name, description, set, exclude, sesoi, question, claims, confounds`,
    );
  }
  const result = experimentFileSchema.safeParse(raw);
  // An unknown key first: a misspelt one is usually why a required one is missing.
  if (!result.success) fail(file, raw, result.error.issues.find((i) => i.code === "unrecognized_keys") ?? result.error.issues[0]);
  const parsed = result.data;

  const name = parsed.name ?? basename(file, extname(file));
  refuseEscape(file, raw, ["name"], parsed.name === undefined ? "name (the file's name)" : "name", "an experiment name", name);
  if (!NAME.test(name)) fail(file, raw, custom(["name"], `name ${quoteName(name)} cannot name a folder (letters, digits, . _ + -)`));
  const set = checkOverrides(file, raw, ["set"], parsed.set);
  const axes = Object.entries(parsed.axes).map(([axisName, value]) => checkAxis(file, raw, axisName, value));
  if (axes.length === 0) fail(file, raw, custom(["axes"], "axes must name at least one axis"));
  const exclude = checkExclude(file, raw, axes, parsed.exclude);
  const basePath = isAbsolute(parsed.base) ? parsed.base : join(dirname(file), parsed.base);
  const units = Object.keys(sesoiDefaults());
  const unknownUnit = Object.keys(parsed.sesoi).find((unit) => !units.includes(unit));
  if (unknownUnit !== undefined)
    fail(file, raw, { code: "unrecognized_keys", keys: [unknownUnit], path: ["sesoi"], input: undefined, message: "" } as z.core.$ZodIssue);
  const spec = {
    file,
    name,
    description: parsed.description,
    base: parsed.base,
    basePath,
    set,
    axes,
    exclude,
    sesoi: parsed.sesoi,
    question: parsed.question.trim(),
    claims: [],
    confounds: parsed.confounds,
  };
  const cells = expandGrid(spec).cells;
  return { ...spec, claims: checkClaims(file, parsed.claims, claimAxes(axes), cells) };
}

export function readExperimentFile(file: string): ExperimentSpec {
  return parseExperimentText(readConfigFile(file), file);
}
