import type { ReportOutcome } from "./index.js";

/** "3 supported, 1 inconclusive": how many rows got each label, in first-seen order. */
function tally(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${n} ${label}`).join(", ");
}

/**
 * What `aelab report` prints when it is done: the verdicts of the rows that decide their claims (evidence rows:
 * analytic checks and measured comparisons in the tally), the rows shown outside the tally counted apart by role,
 * and every cell left out (not completed, or completed but not measurable, with the reason).
 */
export function summaryLines(outcome: Pick<ReportOutcome, "reportPath" | "groups" | "rows" | "missing" | "unmeasured">): string[] {
  const evidence = outcome.rows.filter((r) => r.role === "evidence");
  const others = outcome.rows.filter((r) => r.role !== "evidence");
  const lines = [
    `report: ${outcome.reportPath} (${outcome.groups.length} groups; ${evidence.length} verdict rows in the tally: ${tally(evidence.map((r) => r.verdict)) || "none"}` +
      `${others.length ? `; ${others.length} outside the tally: ${tally(others.map((r) => r.role))}` : ""})`,
  ];
  if (outcome.missing.length) lines.push(`left out (not completed): ${outcome.missing.join(", ")}`);
  for (const u of outcome.unmeasured) lines.push(`left out (could not be measured): ${u.cell}: ${u.reason}`);
  return lines;
}
