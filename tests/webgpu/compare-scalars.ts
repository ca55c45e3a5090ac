/** |a - b| relative to the larger magnitude; 0 when both are 0. */
export function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/**
 * The scalars that differ by more than `tolerance` relative plus `floor` absolute, worst first, and the
 * keys only one side has.
 */
export function scalarMismatches(
  reference: Map<string, number>,
  other: Map<string, number>,
  tolerance: number,
  floor = 0,
): { worst: number; differing: string[]; missing: string[] } {
  const missing = [...new Set([...reference.keys(), ...other.keys()])].filter((k) => !reference.has(k) || !other.has(k));
  const diffs = [...reference].filter(([k]) => other.has(k)).map(([k, a]) => ({ k, a, b: other.get(k)!, d: relativeDifference(a, other.get(k)!) }));
  diffs.sort((x, y) => y.d - x.d);
  return {
    worst: diffs[0]?.d ?? 0,
    differing: diffs
      .filter((x) => !(Math.abs(x.a - x.b) <= tolerance * Math.max(Math.abs(x.a), Math.abs(x.b)) + floor))
      .map((x) => `${x.k}: ${x.a} vs ${x.b} (relative ${x.d.toExponential(2)})`),
    missing,
  };
}
