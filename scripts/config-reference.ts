/**
 * `npm run docs:config`: writes docs/config.md, every key of a run config and of an experiment file with its
 * type, default and meaning, read from the zod schemas (src/config/schema.ts, src/experiment/spec.ts and
 * claims.ts): the meaning is each key's `.describe()`, so a key is documented where it is declared.
 * `--check` writes nothing and exits 1 when docs/config.md differs from what the schemas give (CI runs it
 * through tests/scripts/config-reference.test.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { runConfigSchema } from "../src/config/schema.js";
import { experimentFileSchema } from "../src/experiment/spec.js";
import { writeFileAtomic } from "../src/util/write-file-atomic.js";

export const REFERENCE_FILE = fileURLToPath(new URL("../docs/config.md", import.meta.url));
export const STALE_MESSAGE = "docs/config.md is stale: run npm run docs:config";

/** One key: `path` names list entries `[]` and a record's keys `<title>` (`train.optimizers.<network>.lr`). */
export interface ReferenceRow {
  path: string;
  /** Set for a key of some options of a discriminated union only: the discriminator and the options' values. */
  when: Array<{ key: string; values: string[] }>;
  type: string;
  default: string;
  description: string;
}

/** A top-level key with keys of its own (`data`, `claims`); key "" holds the top-level keys without. */
export interface ReferenceSection {
  key: string;
  description: string;
  rows: ReferenceRow[];
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  element?: z.ZodType;
  items?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  partial?: boolean;
  format?: string;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: { check: string; value?: number; inclusive?: boolean; minimum?: number } } }>;
}

// The wrappers known-keys.ts looks through, so that both walks see the same keys.
const WRAPPERS = new Set(["default", "optional", "nullable", "readonly", "catch", "prefault", "nonoptional"]);

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

interface Unwrapped {
  core: z.ZodType;
  description: string;
  title?: string;
  default?: { value: unknown };
  optional: boolean;
}

/** What a key's schema says once its wrappers are peeled: the outermost description and default win. */
function unwrap(schema: z.ZodType): Unwrapped {
  let description = "";
  let title: string | undefined;
  let fallback: { value: unknown } | undefined;
  let optional = false;
  for (let node = schema; ; ) {
    const meta = z.globalRegistry.get(node);
    description ||= meta?.description?.trim() ?? "";
    title ??= meta?.title;
    const def = defOf(node);
    if ((def.type === "default" || def.type === "prefault") && def.innerType) {
      fallback ??= { value: def.defaultValue };
      node = def.innerType;
    } else if (WRAPPERS.has(def.type) && def.innerType) {
      if (def.type === "optional") optional = true;
      node = def.innerType;
    } else if (def.type === "pipe" && def.in && def.out) {
      // z.preprocess is a transform piped into the schema, .transform a schema piped into one.
      node = defOf(def.out).type === "transform" ? def.in : def.out;
    } else return { core: node, description, title, default: fallback, optional };
  }
}

const code = (text: string) => `\`${text}\``;

function bounds(def: Def): string {
  let lower: { value: number; inclusive: boolean } | undefined;
  let upper: { value: number; inclusive: boolean } | undefined;
  for (const check of def.checks ?? []) {
    const { check: kind, value, inclusive = false } = check._zod.def;
    if (value === undefined) continue;
    if (kind === "greater_than") lower = { value, inclusive };
    if (kind === "less_than") upper = { value, inclusive };
  }
  if (lower && upper) return ` in ${lower.inclusive ? "[" : "("}${lower.value}, ${upper.value}${upper.inclusive ? "]" : ")"}`;
  if (lower) return ` ${lower.inclusive ? "≥" : ">"} ${lower.value}`;
  if (upper) return ` ${upper.inclusive ? "≤" : "<"} ${upper.value}`;
  return "";
}

const nonEmpty = (def: Def) => (def.checks ?? []).some((c) => c._zod.def.check === "min_length" && (c._zod.def.minimum ?? 0) >= 1);

/** A discriminated union whose every option is an object: its keys are documented per option. */
function isObjectUnion(def: Def): boolean {
  return def.type === "union" && def.discriminator !== undefined && (def.options ?? []).every((o) => defOf(unwrap(o).core).type === "object");
}

function typeText(schema: z.ZodType): string {
  const { core, title } = unwrap(schema);
  const def = defOf(core);
  switch (def.type) {
    case "number":
      return `${def.format?.includes("int") ? "integer" : "number"}${bounds(def)}`;
    case "string":
      return nonEmpty(def) ? "non-empty string" : "string";
    case "boolean":
      return "boolean";
    case "enum":
      return Object.values(def.entries ?? {})
        .map((v) => code(String(v)))
        .join(" | ");
    case "literal":
      return (def.values ?? []).map((v) => code(String(v))).join(" | ");
    case "array":
      return `${nonEmpty(def) ? "non-empty list" : "list"} of ${def.element ? typeText(def.element) : "any"}`;
    case "tuple": {
      const items = (def.items ?? []).map(typeText);
      return items.length === 2 && items[0] === items[1] ? `pair of ${items[0]}` : `[${items.join(", ")}]`;
    }
    case "union":
      return isObjectUnion(def) ? "object" : (def.options ?? []).map(typeText).join(" | ");
    case "object":
      return "object";
    case "record": {
      const keys = def.keyType ? typeText(def.keyType) : "string";
      const values = def.valueType ? typeText(def.valueType) : "any";
      return keys === "string" && values === "any" ? "map" : `map of ${keys} to ${values}`;
    }
    default:
      // A z.custom has nothing to read: its title says what it takes (model.recon: "likelihood name").
      return title ?? "any";
  }
}

function valueText(value: unknown): string {
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number") return String(value).length > 8 ? String(Number(value.toPrecision(4))) : String(value);
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${valueText(v)}`).join(", ")} }`;
  }
  return String(value);
}

/** A value an enclosing key's default gives this key, boxed so that a default of `undefined` differs from none. */
type Inherited = { value: unknown } | undefined;

function defaultText(key: Unwrapped, inherited: Inherited): string {
  const given = key.default ?? inherited;
  if (given !== undefined) {
    const text = valueText(given.value);
    // 1/6 and the like, shortened: the schema holds the exact value.
    return typeof given.value === "number" && text !== String(given.value) ? `≈ ${code(text)}` : code(text);
  }
  return key.optional ? "unset" : "required";
}

function inheritedAt(parent: Inherited, name: string): Inherited {
  const value = parent?.value;
  return value !== null && typeof value === "object" && name in value ? { value: (value as Record<string, unknown>)[name] } : undefined;
}

/**
 * The rows of a key and everything under it, in schema order. A key without a default of its own shows its
 * enclosing key's: a discriminator's literal has none, yet `model.encoder.type` is `mlp` when left out.
 */
function rowsOf(schema: z.ZodType, path: string, inherited?: Inherited, optional = false): ReferenceRow[] {
  const unwrapped = unwrap(schema);
  const key = { ...unwrapped, optional: unwrapped.optional || optional };
  const own: ReferenceRow = { path, when: [], type: typeText(schema), default: defaultText(key, inherited), description: key.description };
  return [own, ...childRows(key, path, key.default ?? inherited)];
}

function childRows(key: Unwrapped, path: string, effective: Inherited): ReferenceRow[] {
  const def = defOf(key.core);
  const prefix = path === "" ? "" : `${path}.`;
  if (def.type === "object" && def.shape)
    return Object.entries(def.shape).flatMap(([name, child]) => rowsOf(child, prefix + name, inheritedAt(effective, name)));
  if (isObjectUnion(def)) return unionRows(def, prefix, effective);
  if (def.type === "array" && def.element && defOf(unwrap(def.element).core).type === "object") return childRows(unwrap(def.element), `${path}[]`, undefined);
  if (def.type === "record" && def.keyType && def.valueType) {
    const keys = unwrap(def.keyType);
    // Only a record with named keys (`train.optimizers.<network>`) has paths to document; known-keys.ts agrees.
    if (defOf(keys.core).type === "enum") return rowsOf(def.valueType, `${prefix}<${keys.title ?? "key"}>`, undefined, def.partial === true);
  }
  return [];
}

/** Each option's keys, one row where every option agrees on a key, else a row per group of options that do. */
function unionRows(def: Def, prefix: string, effective: Inherited): ReferenceRow[] {
  const discriminator = def.discriminator!;
  const options = (def.options ?? []).map((option) => {
    const shape = defOf(unwrap(option).core).shape ?? {};
    const literal = unwrap(shape[discriminator]!);
    return { value: String(defOf(literal.core).values?.[0]), description: literal.description, shape };
  });
  const values = options.map((o) => o.value);
  const chosen = inheritedAt(effective, discriminator);
  const discriminatorRow: ReferenceRow = {
    path: prefix + discriminator,
    when: [],
    type: values.map(code).join(" | "),
    default: chosen === undefined ? "required" : code(valueText(chosen.value)),
    // Each option describes itself on its literal; one that does not leaves the row undescribed, so the test names it.
    description: options.every((o) => o.description) ? options.map((o) => o.description).join("; ") : "",
  };
  const groups = new Map<string, Array<{ row: ReferenceRow; values: string[] }>>();
  for (const option of options) {
    for (const [name, child] of Object.entries(option.shape)) {
      if (name === discriminator) continue;
      for (const row of rowsOf(child, prefix + name, chosen?.value === option.value ? inheritedAt(effective, name) : undefined)) {
        const same = groups.get(row.path) ?? [];
        const match = same.find((g) => JSON.stringify(g.row) === JSON.stringify(row));
        if (match) match.values.push(option.value);
        else same.push({ row, values: [option.value] });
        groups.set(row.path, same);
      }
    }
  }
  const rows = [...groups.values()]
    .flat()
    .map(({ row, values: those }) => (those.length === values.length ? row : { ...row, when: [{ key: discriminator, values: those }, ...row.when] }));
  return [discriminatorRow, ...rows];
}

/** The schema's keys by section: top-level keys with keys of their own get a section each. */
export function referenceSections(schema: z.ZodType): ReferenceSection[] {
  const shape = defOf(unwrap(schema).core).shape ?? {};
  const top: ReferenceSection = { key: "", description: "", rows: [] };
  const sections: ReferenceSection[] = [];
  for (const [name, child] of Object.entries(shape)) {
    const [own, ...rest] = rowsOf(child, name);
    if (rest.length === 0) top.rows.push(own!);
    else sections.push({ key: name, description: own!.description, rows: rest });
  }
  return top.rows.length > 0 ? [top, ...sections] : sections;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

function keyCell(row: ReferenceRow): string {
  const when = row.when.map((w) => `${w.key} ${w.values.map(code).join(", ")}`).join("; ");
  return code(row.path) + (when ? ` (${when})` : "");
}

function renderSection(section: ReferenceSection, level: string): string[] {
  const out: string[] = [];
  if (section.key !== "") out.push(`${level} ${code(section.key)}`, "", section.description, "");
  out.push("| key | type | default | meaning |", "| --- | --- | --- | --- |");
  for (const row of section.rows) {
    if (/[\r\n]/.test(row.description)) throw new Error(`${row.path}: a description is one line (got ${JSON.stringify(row.description)})`);
    out.push(`| ${[keyCell(row), row.type, row.default, row.description].map(cell).join(" | ")} |`);
  }
  out.push("");
  return out;
}

export function renderConfigReference(): string {
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by scripts/config-reference.ts from the schemas' .describe(): edit those and run npm run docs:config. -->",
    "",
    "Every key of a run config and of an experiment file, in the order the schemas declare them. A key left out",
    "takes its default; `unset` keys have none (the meaning says what happens without them) and `required` ones",
    "must be given. A key followed by `(type conv)` or `(mode ratio)` belongs to that choice only; the default of",
    "`type` or `mode` is the choice made when its whole object is left out. `[]` stands for every entry of a",
    "list, `<network>` for each network's name.",
    "",
    "## Run config",
    "",
    "A YAML file given to `aelab train`, and the `--set key=value` overrides on top of it.",
    "",
    ...referenceSections(runConfigSchema).flatMap((s) => renderSection(s, "###")),
    "## Experiment file",
    "",
    "A YAML file given to `aelab experiment`: a grid of runs over a base config, and the claims they test.",
    "",
    ...referenceSections(experimentFileSchema).flatMap((s) => renderSection(s, "###")),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The one line `--check` prints, or undefined when the file is what the schemas give. */
export function staleMessage(current: string | undefined, generated: string): string | undefined {
  return current === generated ? undefined : STALE_MESSAGE;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function main(argv: string[]): number {
  const generated = renderConfigReference();
  const current = readIfPresent(REFERENCE_FILE);
  if (argv.includes("--check")) {
    const stale = staleMessage(current, generated);
    if (stale) console.error(stale);
    return stale ? 1 : 0;
  }
  if (current === generated) {
    console.log("docs/config.md is up to date");
    return 0;
  }
  writeFileAtomic(REFERENCE_FILE, generated);
  console.log("wrote docs/config.md");
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
