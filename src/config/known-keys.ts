import type { z } from "zod";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string | number>;
}

const WRAPPERS = new Set(["default", "optional", "nullable", "readonly", "catch", "prefault", "nonoptional"]);

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * Every key path a schema accepts (`train.lr`, `model.encoder.hidden`, `train.optimizers.encoder.lr`;
 * list entries as `*`), read from the schema itself so that a new key is suggested as soon as it exists.
 */
export function knownKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  // Only a schema inside itself is skipped: one used in two places (a record's value) has keys in both.
  const ancestors = new Set<z.ZodType>();
  const walk = (node: z.ZodType, prefix: string): void => {
    if (ancestors.has(node)) return;
    ancestors.add(node);
    visit(node, prefix);
    ancestors.delete(node);
  };
  const visit = (node: z.ZodType, prefix: string): void => {
    const def = defOf(node);
    if (def.type === "object" && def.shape) {
      for (const [key, child] of Object.entries(def.shape)) {
        keys.add(prefix + key);
        walk(child, `${prefix}${key}.`);
      }
    } else if (WRAPPERS.has(def.type) && def.innerType) walk(def.innerType, prefix);
    else if (def.type === "pipe") {
      if (def.in) walk(def.in, prefix);
      if (def.out) walk(def.out, prefix);
    } else if (def.type === "union" && def.options) for (const option of def.options) walk(option, prefix);
    else if (def.type === "array" && def.element) walk(def.element, `${prefix}*.`);
    else if (def.type === "record" && def.keyType && def.valueType) {
      // Only a record with named keys (`train.optimizers.<network>`) has paths to suggest.
      for (const key of Object.values(defOf(def.keyType).entries ?? {})) {
        keys.add(`${prefix}${key}`);
        walk(def.valueType, `${prefix}${key}.`);
      }
    }
  };
  walk(schema, "");
  return keys;
}
