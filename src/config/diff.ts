import { isDeepStrictEqual } from "node:util";

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every dotted key whose value differs between two configs (leaves; a list counts as one value). */
export function differingKeys(was: unknown, now: unknown, path: string[] = []): string[] {
  if (isMap(was) && isMap(now)) {
    return [...new Set([...Object.keys(was), ...Object.keys(now)])].flatMap((key) => differingKeys(was[key], now[key], [...path, key]));
  }
  return isDeepStrictEqual(was, now) ? [] : [path.join(".")];
}
