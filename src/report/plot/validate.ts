import { PlotError } from "./errors.js";

export function requireFinite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new PlotError(`${what} must be a finite number (got ${value})`);
  return value;
}

export function requireDomain(domain: [number, number] | undefined, what: string): [number, number] | undefined {
  if (domain === undefined) return undefined;
  const [lo, hi] = domain;
  requireFinite(lo, `${what}[0]`);
  requireFinite(hi, `${what}[1]`);
  if (!(lo < hi)) throw new PlotError(`${what} must be [low, high] with low < high (got [${lo}, ${hi}])`);
  return domain;
}

export function requireSize(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 20) throw new PlotError(`${what} must be a number of pixels >= 20 (got ${value})`);
  return value;
}

export function requireUniqueNames(names: string[], what: string): void {
  if (names.length === 0) throw new PlotError(`${what}: nothing to draw (the list is empty)`);
  const seen = new Set<string>();
  for (const name of names) {
    if (name.trim() === "") throw new PlotError(`${what}: every entry needs a non-empty name`);
    if (seen.has(name)) throw new PlotError(`${what}: the name "${name}" is used twice (the legend could not tell them apart)`);
    seen.add(name);
  }
}
