import type { z } from "zod";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
}

const WRAPPERS = new Set(["default", "optional", "nullable", "readonly", "catch", "prefault", "nonoptional"]);

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * Every key path a schema accepts (`train.lr`, `model.encoder.hidden`; list entries as `*`), read from
 * the schema itself so that a new key is suggested as soon as it exists.
 */
export function knownKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<z.ZodType>();
  const walk = (node: z.ZodType, prefix: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
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
  };
  walk(schema, "");
  return keys;
}
