import { comparedAcrossDatasets } from "./dataset-agreement.js";
import type { GroupConvergence } from "./convergence.js";
import type { FailedRun } from "./labels.js";
import { CONFIDENCE, type VerdictRow } from "./rows.js";

/**
 * The report's opening: one short line per claim, its verdict first, then the numbers behind it, each read off
 * the claim's rows; then what the reader must know to trust them (datasets that disagree, groups that did not
 * converge, runs that failed). Nothing here is written for one experiment: other rows give other words.
 */

/** The row's effect in words: "−0.10, 95% CI −0.12 to −0.089", or as the row gives it when it has no interval. */
export function effectWords(r: Pick<VerdictRow, "effect">): string {
  const m = /^(\S+) \[(\S+), (\S+)\]/.exec(r.effect);
  return m ? `${m[1]}, ${CONFIDENCE * 100}% CI ${m[2]} to ${m[3]}` : r.effect.split(";")[0];
}

/** "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "2 supported, 1 inconclusive" over labels, in first-seen order. */
function tally(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
}

const tallied = (rows: readonly VerdictRow[]) => rows.filter((r) => r.role === "evidence");

/**
 * A claim's verdict from its rows: the one verdict its tallied rows share ("supported", "holds", ...), or "mixed";
 * a claim without tallied rows says what its other rows are and what their numbers say ("manipulation check:
 * differs (lower)"); one without rows is "not measured".
 */
export function claimVerdict(rows: readonly VerdictRow[]): string {
  if (rows.length === 0) return "not measured";
  const counted = tallied(rows);
  if (counted.length === 0) {
    const roles = [...new Set(rows.map((r) => r.role))];
    const outcomes = [...new Set(rows.map((r) => r.outcome ?? "-"))];
    return `${roles.join(", ")}${outcomes.length === 1 ? `: ${outcomes[0]}` : ""}`;
  }
  const verdicts = new Set(counted.map((r) => r.verdict));
  return verdicts.size === 1 ? String([...verdicts][0]) : "mixed";
}

/** How many rows in the table a line quotes the numbers of. */
const QUOTED = 2;

/** "AE-BCE − AE-MSE, reliability pull −0.0400, 95% CI −0.045 to −0.035 (supported)": one row's numbers. */
function rowNumbers(r: VerdictRow): string {
  const metric = r.metric.split(" (")[0];
  return `${r.comparison}, ${metric} ${effectWords(r)}${r.role === "evidence" ? ` (${r.verdict})` : ""}`;
}

/** A statement as a sentence of the line, whether or not the file ended it with a full stop. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** One claim's line: its verdict, what it claims, and the numbers of its first rows. */
export function claimLine(claim: { id: string; statement: string }, rows: readonly VerdictRow[]): string {
  const verdict = claimVerdict(rows);
  const statement = sentence(claim.statement);
  if (rows.length === 0) return `**${claim.id} not measured**: ${statement} No row could be computed from these runs.`;
  const counted = tallied(rows);
  const counts = counted.length
    ? ` (${counted.length > 1 || verdict === "mixed" ? `${tally(counted.map((r) => String(r.verdict)))} of ${counted.length} rows` : "1 row"}${rows.length > counted.length ? `; ${rows.length - counted.length} outside the tally` : ""})`
    : "";
  const shown = (counted.length ? counted : rows).slice(0, QUOTED);
  const rest = (counted.length ? counted : rows).length - shown.length;
  const numbers = `${shown.map(rowNumbers).join("; ")}${rest > 0 ? `; ${rest} more in the table` : ""}`;
  return `**${claim.id} ${verdict}**${counts}: ${statement} ${numbers}.`;
}

/** Whether the datasets reach the same verdicts, and on which comparisons they do not (the first few). */
function datasetLine(rows: readonly VerdictRow[]): string | undefined {
  const agreements = comparedAcrossDatasets(tallied(rows));
  if (agreements.length === 0) return undefined;
  const datasets = [...new Set(agreements.flatMap((a) => a.findings.map((f) => f.dataset)))];
  const differ = agreements.filter((a) => !a.agree);
  const shown = differ
    .slice(0, 3)
    .map((a) => `${a.claim} ${a.comparison}, ${a.metric.split(" (")[0]} (${a.findings.map((f) => `${f.dataset} ${f.finding}`).join(", ")})`);
  const rest = differ.length > shown.length ? ` and ${differ.length - shown.length} more` : "";
  return `**Datasets**: on ${list(datasets)} the same comparison reaches the same verdict in ${agreements.length - differ.length} of ${agreements.length} tallied rows${differ.length ? `; they differ on ${shown.join("; ")}${rest}` : ""}.`;
}

function convergenceLine(convergence: readonly GroupConvergence[]): string | undefined {
  if (convergence.length === 0) return undefined;
  const capped = convergence.filter((c) => c.status === "hit the cap");
  const unknown = convergence.filter((c) => c.status === "unknown");
  if (capped.length > 0) {
    return `**Convergence**: ${capped.length} of ${convergence.length} groups hit the epoch cap before their validation loss stopped improving (${list(capped.map((c) => c.group))}), so the rows that use them (‡) describe models still improving.`;
  }
  if (unknown.length === convergence.length) return `**Convergence**: unknown; the models trained for a fixed number of epochs without early stopping.`;
  if (unknown.length > 0)
    return `**Convergence**: every group trained with early stopping converged except ${list(unknown.map((c) => c.group))}, whose convergence is unknown (no early stopping).`;
  return `**Convergence**: every group converged; all ${convergence.reduce((s, c) => s + c.seeds, 0)} runs stopped when their validation loss stopped improving.`;
}

/** Runs that failed to reconstruct inside groups that did: a reader of the verdicts must know. */
function failedRunsLine(failed: readonly FailedRun[]): string | undefined {
  if (failed.length === 0) return undefined;
  const which = failed.map((f) => `${f.group}, seed ${f.seed}`);
  return `**Failed runs**: ${failed.length === 1 ? "one run" : `${failed.length} runs`} failed to reconstruct although the rest of ${failed.length === 1 ? "its group" : "their groups"} did (${list(which)}: see the caveats); the rows that use ${failed.length === 1 ? "that group" : "those groups"} average over ${failed.length === 1 ? "it" : "them"}.`;
}

/** The opening's lines: a claim each, in the file's order, then the datasets, convergence and failed runs where they have something to say. */
export function answerLines(
  claims: ReadonlyArray<{ id: string; statement: string }>,
  rows: readonly VerdictRow[],
  convergence: readonly GroupConvergence[],
  failed: readonly FailedRun[] = [],
): string[] {
  return [
    ...claims.map((c) =>
      claimLine(
        c,
        rows.filter((r) => r.claim === c.id),
      ),
    ),
    datasetLine(rows),
    convergenceLine(convergence),
    failedRunsLine(failed),
  ].filter((s): s is string => s !== undefined);
}
