/**
 * Numbers as the report prints them. Significant digits, not fixed decimals: an effect of -0.00171 must
 * not read "-0.002" beside its own spread, nor a 0.2 ratio as "0.200" beside a 1e-4 one.
 */
export function formatNumber(v: number, significant = 3): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  if (v === 0) return "0";
  const magnitude = Math.abs(v);
  if (magnitude < 1e-4 || magnitude >= 1e6) return v.toExponential(significant - 1);
  // toPrecision keeps trailing zeros (0.100), which state the precision; beyond the digits, integers stay whole.
  return magnitude >= 10 ** significant ? v.toFixed(0) : v.toPrecision(significant);
}

/**
 * A p-value with 2 significant digits, or more where rounding would carry it across `alpha` (0.0496
 * must not print "0.050" beside "significant"); below 1e-4 in exponent form.
 */
export function formatP(p: number, alpha = 0.05): string {
  if (Number.isNaN(p)) return "NaN";
  if (p >= 1) return "1";
  if (p < 1e-4) return p === 0 ? "0" : p.toExponential(1);
  for (let digits = 2; digits < 17; digits++) {
    const text = p.toPrecision(digits);
    const shown = Number(text);
    if (shown < alpha === p < alpha && (shown !== alpha || p === alpha)) return text;
  }
  return String(p);
}

/** A share as a percentage with significant digits: 0.0512 -> "5.12%". */
export function formatPercent(share: number, significant = 2): string {
  return Number.isFinite(share) ? `${formatNumber(share * 100, significant)}%` : formatNumber(share);
}
