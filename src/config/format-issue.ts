import type { z } from "zod";
import { suggestKey } from "./closest-key.js";

/** The value at `path` in the raw (unvalidated) config, to quote back to the user. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

const QUOTE_LIMIT = 80;

/** The value as JSON on one short line; a YAML alias can make it refer to itself, which JSON cannot show. */
function quote(value: unknown): string {
  if (value === undefined) return "nothing";
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return "a value that contains itself";
  }
  if (json === undefined) return String(value);
  return json.length > QUOTE_LIMIT ? `${json.slice(0, QUOTE_LIMIT)}...` : json;
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(top level)" : path.map(String).join(".");
}

/**
 * One zod issue as `key problem (got value)`, the way a researcher reads it. With `knownKeys` (every key
 * path the schema accepts), an unknown key names the closest one, by spelling or by another framework's name.
 */
export function formatIssue(issue: z.core.$ZodIssue, raw: unknown, knownKeys?: ReadonlySet<string>): string {
  const key = keyPath(issue.path);
  const got = quote(valueAt(raw, issue.path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const keys = issue.keys.map((k) => (issue.path.length ? `${key}.${k}` : k));
      const guesses = knownKeys ? keys.map((k) => suggestKey(k, knownKeys)).filter((g) => g !== undefined) : [];
      const renamed = guesses.flatMap((g) => (g.alias === undefined ? [] : [`${g.alias} is called ${g.key} in aelab`]));
      const why = renamed.length > 0 ? ` (${[...new Set(renamed)].join("; ")})` : "";
      const hint = guesses.length > 0 ? `; did you mean ${[...new Set(guesses.map((g) => g.key))].join(", ")}?${why}` : "";
      return `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}${hint}`;
    }
    case "invalid_type":
      return `${key} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`} (got ${got})`;
    case "invalid_value":
      return `${key} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${got})`;
    case "too_small": {
      const bound = issue.origin === "array" ? `at least ${issue.minimum} entries` : `${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
      return `${key} must ${issue.origin === "array" ? "have " : "be "}${bound} (got ${got})`;
    }
    case "too_big": {
      const bound = issue.origin === "array" ? `at most ${issue.maximum} entries` : `${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
      return `${key} must ${issue.origin === "array" ? "have " : "be "}${bound} (got ${got})`;
    }
    case "invalid_union": {
      // A discriminated union (module `type`, prior `type`) names its options; a plain union does not.
      const options = (issue as { options?: unknown[] }).options;
      if (options) return `${key} must be one of ${options.map((v) => JSON.stringify(v)).join(", ")} (got ${got})`;
      return `${key}: ${issue.message} (got ${got})`;
    }
    case "custom":
      // Cross-key rules write their whole sentence, naming the keys involved.
      return issue.message;
    default:
      return `${key}: ${issue.message} (got ${got})`;
  }
}
