import type { VerdictRow } from "./rows.js";

/** A row's comparison without the "[networks, dataset] " prefix an experiment with several scopes gives it. */
export function unscopedComparison(r: Pick<VerdictRow, "comparison">): string {
  return r.comparison.replace(/^\[[^\]]*\]\s*/, "");
}

/** One comparison an experiment made on several datasets: what it found on each, and whether they agree. */
export interface DatasetAgreement {
  claim: string;
  /** The comparison without its scope prefix, e.g. "AE-BCE − AE-MSE". */
  comparison: string;
  networks: string;
  metric: string;
  /** In the order the datasets first appear among the rows. */
  findings: Array<{ dataset: string; finding: string }>;
  agree: boolean;
}

/** What a row found, comparable across datasets: the verdict of an evidence row, the role and outcome of the others. */
function finding(r: VerdictRow): string {
  return r.role === "evidence" ? String(r.verdict) : `${r.role}: ${r.outcome ?? "-"}`;
}

/** Rows of different datasets that compare the same groups on the same metric share this key. */
function keyOf(r: VerdictRow): string | undefined {
  if (!r.scope || r.role === "reference") return undefined;
  return JSON.stringify([r.claim, r.scope.networks, unscopedComparison(r), r.metric]);
}

/** The datasets the rows' comparisons (not the reference rows) were made on. */
function datasetsOf(rows: readonly VerdictRow[]): Set<string> {
  return new Set(rows.flatMap((r) => (r.scope && r.role !== "reference" ? [r.scope.dataset] : [])));
}

/**
 * Every comparison the rows make, in an experiment on two or more datasets (none on one dataset), with what
 * it found on each dataset it was made on: some are made on one only (networks trained on one dataset).
 */
export function datasetAgreements(rows: readonly VerdictRow[]): DatasetAgreement[] {
  const datasets = datasetsOf(rows);
  if (datasets.size < 2) return [];
  const byKey = new Map<string, VerdictRow[]>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].map((same) => {
    const findings = same.map((r) => ({ dataset: r.scope!.dataset, finding: finding(r) }));
    const first = same[0];
    return {
      claim: first.claim,
      comparison: unscopedComparison(first),
      networks: first.scope!.networks,
      metric: first.metric,
      findings,
      agree: findings.length === datasets.size && new Set(findings.map((f) => f.finding)).size === 1,
    };
  });
}

/** The comparisons made on more than one dataset: the ones whose verdicts can agree or not. */
export function comparedAcrossDatasets(rows: readonly VerdictRow[]): DatasetAgreement[] {
  return datasetAgreements(rows).filter((a) => a.findings.length > 1);
}

/** The agreement in a few words: "agree", "differ (mnist: supported; fashion-mnist: inconclusive)" or "measured on mnist only". */
export function agreementWords(a: DatasetAgreement, datasets: number): string {
  if (a.findings.length < datasets) return `measured on ${a.findings.map((f) => f.dataset).join(", ")} only`;
  return a.agree ? "datasets agree" : `datasets differ (${a.findings.map((f) => `${f.dataset}: ${f.finding}`).join("; ")})`;
}

/** The rows, each that has a counterpart on another dataset saying whether they agree (`acrossDatasets`). */
export function withDatasetAgreement(rows: readonly VerdictRow[]): VerdictRow[] {
  const agreements = datasetAgreements(rows);
  if (agreements.length === 0) return [...rows];
  const datasets = datasetsOf(rows).size;
  const byKey = new Map(agreements.map((a) => [JSON.stringify([a.claim, a.networks, a.comparison, a.metric]), a]));
  return rows.map((r) => {
    const key = keyOf(r);
    const a = key === undefined ? undefined : byKey.get(key);
    return a ? { ...r, acrossDatasets: agreementWords(a, datasets) } : r;
  });
}
