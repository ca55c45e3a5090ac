import { readFileSync } from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { firstLine } from "../util/first-line.js";
import { ConfigError } from "./errors.js";
import { formatIssue } from "./format-issue.js";
import { knownKeys } from "./known-keys.js";
import { runConfigSchema, type RunConfig } from "./schema.js";

type Raw = Record<string, unknown>;

/**
 * YAML text as a value; every failure of the YAML library (bad syntax, an alias before its anchor, an
 * alias bomb) is a one-line ConfigError starting with `where`. Warnings (an unknown tag) are not printed:
 * the schema rejects whatever value such a node becomes, naming the key.
 */
export function parseYamlText(text: string, where: string): unknown {
  try {
    return parseYaml(text, { logLevel: "error" });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos ? ` line ${error.linePos[0].line}` : "";
      throw new ConfigError(`${where}${line}: not valid YAML: ${firstLine(error)}`);
    }
    if (error instanceof Error) throw new ConfigError(`${where}: not valid YAML: ${firstLine(error)}`);
    throw error;
  }
}

// Assigning these through `node[key] = ...` would change what every object inherits.
const NOT_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** `a.b.c=value`: the value is read as YAML, so numbers, booleans and lists keep their types. */
export function applyOverride(raw: Raw, assignment: string, origin: string): void {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new ConfigError(`config error in ${origin}: --set expects key.path=value (got ${JSON.stringify(assignment)})`);
  const path = assignment.slice(0, eq).trim().split(".");
  const bad = path.find((key) => NOT_KEYS.has(key));
  if (bad !== undefined) throw new ConfigError(`config error in ${origin}: --set ${path.join(".")}: ${bad} is not a config key`);
  const value = parseYamlText(assignment.slice(eq + 1), `config error in ${origin}: --set ${path.join(".")}`);
  let node: Raw = raw;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== "object" || Array.isArray(next)) {
      throw new ConfigError(`config error in ${origin}: --set ${path.join(".")}: ${key} is not a section`);
    }
    node = node[key] as Raw;
  }
  node[path[path.length - 1]] = value;
}

let runConfigKeys: Set<string> | undefined;

/** Validates a raw config object; `origin` names where it came from in every error. */
export function validateConfig(raw: unknown, origin: string): RunConfig {
  const result = runConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
    runConfigKeys ??= knownKeys(runConfigSchema);
    throw new ConfigError(`config error in ${origin}: ${formatIssue(issue, raw, runConfigKeys)}${more}`);
  }
  return result.data;
}

export function parseConfigText(text: string, origin: string): unknown {
  const raw = parseYamlText(text, `config error in ${origin}`);
  if (raw !== null && raw !== undefined && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new ConfigError(`config error in ${origin}: the top level must be a mapping of sections (seed, data, model, train, log)`);
  }
  return raw ?? {};
}

/** A config-like file's text; a missing or unreadable file is a one-line ConfigError naming it. */
export function readConfigFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config error in ${file}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}`);
  }
}

/** Reads a YAML config file, applies `--set` overrides, validates it and fills in defaults. */
export function loadConfig(file: string, overrides: readonly string[] = []): RunConfig {
  const raw = parseConfigText(readConfigFile(file), file) as Raw;
  for (const assignment of overrides) applyOverride(raw, assignment, file);
  const origin = overrides.length ? `${file} (with --set ${overrides.join(" ")})` : file;
  return validateConfig(raw, origin);
}
