/** |a - b| relative to the larger magnitude; 0 when both are 0. */
export function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

export interface ScalarAgreement {
  /** Keys both sides have. */
  common: number;
  /** The largest relative difference over the common keys (0 where there are none), and its key. */
  worst: number;
  worstKey: string | null;
  /** "key: a vs b (relative d)" for each pair beyond `tolerance` relative plus `floor` absolute, worst first. */
  differing: string[];
  /** Keys only one side has. */
  missing: string[];
}

/**
 * How closely two sets of logged scalars ("tag@step" → value) agree: the same run on two backends, or
 * twice on one. A pair agrees when |a - b| <= tolerance * max(|a|, |b|) + floor.
 */
export function scalarAgreement(reference: Map<string, number>, other: Map<string, number>, tolerance: number, floor = 0): ScalarAgreement {
  const missing = [...new Set([...reference.keys(), ...other.keys()])].filter((k) => !reference.has(k) || !other.has(k));
  const diffs = [...reference]
    .filter(([k]) => other.has(k))
    .map(([k, a]) => {
      const b = other.get(k) as number;
      return { k, a, b, d: relativeDifference(a, b) };
    });
  diffs.sort((x, y) => y.d - x.d);
  return {
    common: diffs.length,
    worst: diffs[0]?.d ?? 0,
    worstKey: diffs[0]?.k ?? null,
    differing: diffs
      .filter((x) => !(Math.abs(x.a - x.b) <= tolerance * Math.max(Math.abs(x.a), Math.abs(x.b)) + floor))
      .map((x) => `${x.k}: ${x.a} vs ${x.b} (relative ${x.d.toExponential(2)})`),
    missing,
  };
}
