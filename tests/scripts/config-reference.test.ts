import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { REFERENCE_FILE, referenceSections, renderConfigReference, STALE_MESSAGE, staleMessage } from "../../scripts/config-reference.js";
import { runConfigSchema } from "../../src/config/schema.js";
import { knownKeys } from "../../src/config/known-keys.js";
import { experimentFileSchema } from "../../src/experiment/spec.js";

/** A row's path as the key paths knownKeys gives: `[]` is its `.*`, `<network>` any one name. */
function pattern(path: string): RegExp {
  const escaped = path
    .replace(/[.*+?^${}()|\\]/g, "\\$&")
    .replaceAll("[]", "\\.\\*")
    .replace(/<[^>]+>/g, "[^.]+");
  return new RegExp(`^${escaped}$`);
}

/** Every key the schema accepts that has no line in `rendered`, or a line with an empty meaning. */
function undescribed(schema: z.ZodType, rendered: string): string[] {
  const lines = referenceSections(schema).flatMap((s) => [...(s.key ? [{ path: s.key, description: s.description }] : []), ...s.rows]);
  return [...knownKeys(schema)].filter((key) => {
    const matching = lines.filter((line) => pattern(line.path).test(key));
    return matching.length === 0 || matching.some((line) => line.description === "" || !rendered.includes(`\`${line.path}\``));
  });
}

describe("the configuration reference (scripts/config-reference.ts)", () => {
  it("docs/config.md is what the schemas generate (npm run docs:config rewrites it)", () => {
    const current = readFileSync(REFERENCE_FILE, "utf8");
    expect(staleMessage(current, renderConfigReference()), STALE_MESSAGE).toBeUndefined();
  });

  it("check mode's one line says how to fix a stale or missing file", () => {
    const generated = renderConfigReference();
    expect(staleMessage(generated, generated)).toBeUndefined();
    expect(staleMessage(`${generated}\n`, generated)).toBe("docs/config.md is stale: run npm run docs:config");
    expect(staleMessage(undefined, generated)).toBe(STALE_MESSAGE);
  });

  it("every run-config key knownKeys finds has a line with a meaning (a new key needs a .describe())", () => {
    expect(undescribed(runConfigSchema, renderConfigReference())).toEqual([]);
  });

  it("every experiment-file key knownKeys finds has a line with a meaning", () => {
    expect(undescribed(experimentFileSchema, renderConfigReference())).toEqual([]);
  });

  it("reads type, default and choice from the schema", () => {
    const rows = referenceSections(runConfigSchema).flatMap((s) => s.rows);
    const row = (path: string, when?: string) => rows.find((r) => r.path === path && (when === undefined || r.when.some((w) => w.values.includes(when))));
    expect(row("train.lr")).toMatchObject({ type: "number > 0", default: "`0.001`" });
    expect(row("adversarial.loss")?.type).toBe("`bce` | `lsgan` | `hinge`");
    // A z.custom (names registered at run time) shows its title.
    expect(row("model.variant")?.type).toBe("`ae` | `vae` | `aae` | `vaegan` | `ae+gan` | `vae+gan` | a registered name");
    expect(row("model.encoder.type")).toMatchObject({ type: "`mlp` | `conv`", default: "`mlp`" });
    expect(row("model.encoder.hidden", "conv")).toMatchObject({ default: "`[]`", when: [{ key: "type", values: ["conv"] }] });
    expect(row("model.encoder.activation")?.when).toEqual([]);
    expect(row("adversarial.balance.ratio")).toMatchObject({ default: "required", when: [{ key: "mode", values: ["ratio"] }] });
    expect(row("train.optimizers.<network>.lr")?.default).toBe("unset");
    expect(row("data.testFraction")?.default).toBe("≈ `0.1667`");
  });

  it("names a key left without a meaning, in an object, a choice of a union or a record's value", () => {
    const schema = z.strictObject({
      lr: z.number().default(1).describe("described"),
      net: z
        .discriminatedUnion("type", [
          z.strictObject({ type: z.literal("a").describe("a"), width: z.int().describe("described") }),
          z.strictObject({ type: z.literal("b"), depth: z.int() }),
        ])
        .describe("described"),
      per: z.partialRecord(z.enum(["x", "y"]).meta({ title: "name" }), z.strictObject({ rate: z.number() }).describe("described")).describe("described"),
    });
    const rendered = referenceSections(schema)
      .flatMap((s) => [s.key, ...s.rows.map((r) => r.path)].map((path) => `\`${path}\``))
      .join("\n");
    expect(undescribed(schema, rendered)).toEqual(["net.type", "net.depth", "per.x.rate", "per.y.rate"]);
  });
});
