/** A GitHub-flavoured markdown table, padded so it also reads well in a terminal. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const cells = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, i) => (r[i] ?? "").padEnd(w)).join(" | ")} |`;
  return [line(headers), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Images/s: whole numbers with separators, one decimal below 100 (the conv GANs on wasm). */
export function rate(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
}
