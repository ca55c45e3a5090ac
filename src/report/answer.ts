import { CONFIDENCE, type FailedRun, type Scope, type VerdictRow } from "./claims.js";
import { comparedAcrossDatasets, unscopedComparison } from "./dataset-agreement.js";
import type { GroupConvergence } from "./convergence.js";

/**
 * The report's opening paragraph: "which reconstruction loss for greyscale targets, and why?", answered
 * sentence by sentence from the verdict rows and the groups' convergence. Nothing here is typed for one
 * experiment: every clause reads a row's verdict and effect, so other numbers give other words.
 */
export function answerParagraph(rows: readonly VerdictRow[], convergence: readonly GroupConvergence[], failed: readonly FailedRun[] = []): string {
  return answerSentences(rows, convergence, failed).join(" ");
}

/** Runs that failed to reconstruct inside groups that did: a reader of the verdicts must know. */
function failedRunsSentence(failed: readonly FailedRun[]): string | undefined {
  if (failed.length === 0) return undefined;
  const which = failed.map((f) => `${f.group}, seed ${f.seed}`);
  return `${failed.length === 1 ? "One run" : `${failed.length} runs`} failed to reconstruct although the rest of ${failed.length === 1 ? "its group" : "their groups"} did (${list(which)}: see the caveats); the rows that use ${failed.length === 1 ? "that group" : "those groups"} average over ${failed.length === 1 ? "it" : "them"}.`;
}

type Family = "ae" | "vae";

/** The family a measured row compares, from its comparison ("[mlp/mlp] VAE-BCE − VAE-MSE" is a VAE row). */
function familyOf(r: VerdictRow): Family | undefined {
  const text = unscopedComparison(r);
  return text.startsWith("VAE") ? "vae" : text.startsWith("AE") ? "ae" : undefined;
}

const evidence = (rows: readonly VerdictRow[], claim: string) => rows.filter((r) => r.claim === claim && r.role === "evidence");

/** The row's effect in words: "−0.10, 95% CI −0.12 to −0.089", or as the row gives it when it has no interval. */
export function effectWords(r: VerdictRow): string {
  const m = /^(\S+) \[(\S+), (\S+)\]/.exec(r.effect);
  return m ? `${m[1]}, ${CONFIDENCE * 100}% CI ${m[2]} to ${m[3]}` : r.effect.split(";")[0];
}

const NAMES: Record<Family, string> = { ae: "autoencoders", vae: "VAEs" };

/** "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "2 supported, 1 inconclusive" over rows' verdicts, first-seen order. */
function tally(rows: readonly VerdictRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
}

function lossSentence(rows: readonly VerdictRow[]): string | undefined {
  const c1 = evidence(rows, "C1");
  const c2 = evidence(rows, "C2");
  if (c1.length === 0 && c2.length === 0) return undefined;
  const c1Holds = c1.length > 0 && c1.every((r) => r.verdict === "holds");
  const c2Holds = c2.length > 0 && c2.every((r) => r.verdict === "holds");
  const first = c1Holds ? "BCE charges the two sides of a greyscale target unequally where squared error charges them alike (C1 holds)" : "BCE's asymmetry around a greyscale target did not check out (C1 fails)";
  const second = c2Holds ? "weighs errors near ½ about twice as much as squared error (C2 holds)" : "does not weigh errors near ½ twice as much as squared error (C2 fails)";
  return `By their shape alone, ${first}, and ${second}.`;
}

/** C3 for one family: BCE − MSE on the reliability pull and on sharpness. */
function c3Clause(family: Family, pull: VerdictRow | undefined, sharp: VerdictRow | undefined): string | undefined {
  if (!pull && !sharp) return undefined;
  const parts: string[] = [];
  if (pull) {
    const e = `reliability pull BCE − MSE ${effectWords(pull)}`;
    parts.push(
      {
        supported: `BCE pulls outputs toward ½ more than MSE does (${e})`,
        contradicted: `BCE pulls outputs toward ½ less than MSE does, against C3 (${e})`,
        equivalent: `BCE and MSE pull outputs toward ½ alike, within the smallest effect of interest ${pull.sesoi} (${e})`,
      }[pull.verdict as string] ?? `the tests (Holm-adjusted) do not decide whether BCE pulls outputs toward ½ more than MSE (${e})`,
    );
  }
  if (sharp) {
    const e = `sharpness ratio BCE − MSE ${effectWords(sharp)}`;
    parts.push(
      {
        supported: `BCE's outputs are blurrier (${e})`,
        contradicted: `BCE's outputs are sharper, against C3 (${e})`,
        equivalent: `the two are equally sharp within ${sharp.sesoi} (${e})`,
      }[sharp.verdict as string] ?? `whether BCE's outputs are blurrier is undecided (${e})`,
    );
  }
  return `in ${NAMES[family]}, ${parts.join(", and ")}`;
}

function c3Sentence(rows: readonly VerdictRow[]): string | undefined {
  const c3 = evidence(rows, "C3");
  const clauses = (["ae", "vae"] as const)
    .map((family) => {
      const mine = c3.filter((r) => familyOf(r) === family);
      return c3Clause(
        family,
        mine.find((r) => r.metric.startsWith("reliability pull")),
        mine.find((r) => r.metric.startsWith("sharpness ratio (gradient")),
      );
    })
    .filter((c): c is string => c !== undefined);
  if (clauses.length === 0) return undefined;
  const text = clauses.join("; ");
  return `On greyscale targets (C3), ${text}.`;
}

function c4Sentence(rows: readonly VerdictRow[]): string | undefined {
  const pulls = evidence(rows, "C4").filter((r) => r.metric.startsWith("reliability pull"));
  if (pulls.length === 0) return undefined;
  // Families with the same verdict share a clause: "unbiased in autoencoders (...) and VAEs (...)".
  const words = (verdict: string) => (verdict === "supported" ? "unbiased" : verdict === "contradicted" ? "biased" : "of undecided bias");
  const clauses = [...new Set(pulls.map((r) => words(r.verdict)))].map((w) => {
    const mine = pulls.filter((r) => words(r.verdict) === w);
    const within = (r: VerdictRow) => (r.verdict === "supported" ? `, within ${r.sesoi} of 0` : "");
    return `${w} in ${list(mine.map((r) => `${NAMES[familyOf(r) ?? "ae"]} (reliability pull ${effectWords(r)}${within(r)})`))}`;
  });
  return `MSE-trained outputs are ${clauses.join(" but ")} (C4).`;
}

function tallySentence(rows: readonly VerdictRow[], claim: string, what: string): string | undefined {
  const mine = evidence(rows, claim);
  const outside = rows.filter((r) => r.claim === claim && r.role !== "evidence").length;
  if (mine.length === 0) return undefined;
  return `${what} (${claim})? Of its ${mine.length} rows in the tally, ${tally(mine)}${outside ? ` (${outside} more outside the tally)` : ""}.`;
}

function convergenceSentence(convergence: readonly GroupConvergence[]): string | undefined {
  if (convergence.length === 0) return undefined;
  const capped = convergence.filter((c) => c.status === "hit the cap");
  const unknown = convergence.filter((c) => c.status === "unknown");
  if (capped.length > 0) {
    return `${capped.length} of ${convergence.length} groups hit the epoch cap before their validation loss stopped improving (${list(capped.map((c) => c.group))}), so the rows that use them (‡) describe models still improving.`;
  }
  if (unknown.length === convergence.length) return `The models trained for a fixed number of epochs without early stopping, so whether they converged is unknown.`;
  if (unknown.length > 0) return `Every group trained with early stopping converged except ${list(unknown.map((c) => c.group))}, whose convergence is unknown (no early stopping).`;
  return `Every group converged: all ${convergence.reduce((s, c) => s + c.seeds, 0)} runs stopped when their validation loss stopped improving.`;
}

/** What the C3 and C4 rows mean for choosing between BCE and MSE. */
function choiceSentence(rows: readonly VerdictRow[], convergence: readonly GroupConvergence[]): string | undefined {
  const c3 = evidence(rows, "C3").filter((r) => r.metric.startsWith("reliability pull") || r.metric.startsWith("sharpness ratio (gradient"));
  if (c3.length === 0) return undefined;
  const count = (v: string) => c3.filter((r) => r.verdict === v).length;
  const [forMse, forBce, same] = [count("supported"), count("contradicted"), count("equivalent")];
  const unbiased = evidence(rows, "C4").filter((r) => r.metric.startsWith("reliability pull"));
  const mseUnbiased = unbiased.length > 0 && unbiased.every((r) => r.verdict === "supported");
  let choice: string;
  if (forMse > 0 && forBce === 0) choice = `For greyscale targets the numbers favour MSE: BCE's pull toward ½ costs sharpness or fidelity in ${forMse} of ${c3.length} C3 rows${mseUnbiased ? ", and MSE's outputs are unbiased" : ""}`;
  else if (forBce > 0 && forMse === 0) choice = `For greyscale targets the numbers do not favour MSE: in ${forBce} of ${c3.length} C3 rows BCE did better than C3 predicts`;
  else if (forMse > 0 && forBce > 0) choice = `The C3 rows disagree (${forMse} for MSE, ${forBce} for BCE), so the choice between BCE and MSE depends on the model here`;
  else if (same === c3.length) choice = `For greyscale targets the choice between BCE and MSE makes no difference that matters: every C3 row is equivalent within its smallest effect of interest`;
  else choice = `The numbers do not yet decide between BCE and MSE for greyscale targets (C3: ${tally(c3)})`;
  const capped = convergence.filter((c) => c.status === "hit the cap").length;
  const unknown = convergence.length > 0 && convergence.every((c) => c.status === "unknown");
  const proviso = capped ? `; provisional, since ${capped} of ${convergence.length} groups had not converged` : unknown ? "; provisional, since convergence was not checked" : "";
  return `${choice}${proviso}.`;
}

/** "mnist", "conv/conv on fashion-mnist": a scope in words, naming only what varies in the experiment. */
function scopeWords(scope: Scope, all: readonly Scope[]): string {
  const datasets = new Set(all.map((s) => s.dataset)).size > 1;
  const networks = new Set(all.map((s) => s.networks)).size > 1;
  return [networks ? `${scope.networks} networks` : "", datasets ? scope.dataset : ""].filter(Boolean).join(" on ");
}

/** C3 and C4 in a sentence each, per networks-and-data scope when the experiment has several. */
function scopedSentences(rows: readonly VerdictRow[]): string[] {
  const scopes = [...new Map(rows.filter((r) => r.scope && r.scope.networks !== "-").map((r) => [JSON.stringify(r.scope), r.scope!])).values()];
  if (scopes.length <= 1) return [c3Sentence(rows), c4Sentence(rows)].filter((s): s is string => s !== undefined);
  return scopes.flatMap((scope) => {
    const mine = rows.filter((r) => r.scope && r.scope.networks === scope.networks && r.scope.dataset === scope.dataset);
    const words = scopeWords(scope, scopes);
    return [c3Sentence(mine), c4Sentence(mine)].filter((s): s is string => s !== undefined).map((s) => `[${words}] ${s}`);
  });
}

/** Whether the datasets reach the same verdicts, and on which comparisons they do not (the first few). */
function datasetSentence(rows: readonly VerdictRow[]): string | undefined {
  const tallied = comparedAcrossDatasets(rows.filter((r) => r.role === "evidence"));
  if (tallied.length === 0) return undefined;
  const datasets = [...new Set(tallied.flatMap((a) => a.findings.map((f) => f.dataset)))];
  const differ = tallied.filter((a) => !a.agree);
  const shown = differ.slice(0, 4).map((a) => `${a.claim} ${a.comparison}, ${a.metric.split(" (")[0]} (${a.findings.map((f) => `${f.dataset} ${f.finding}`).join(", ")})`);
  const rest = differ.length > shown.length ? ` and ${differ.length - shown.length} more` : "";
  return `On ${list(datasets)}, the same comparison reaches the same verdict in ${tallied.length - differ.length} of ${tallied.length} rows in the tally${differ.length ? `; they differ on ${shown.join("; ")}${rest}` : ""}.`;
}

/** The paragraph's sentences in order; a claim the experiment does not measure contributes none. */
export function answerSentences(rows: readonly VerdictRow[], convergence: readonly GroupConvergence[], failed: readonly FailedRun[] = []): string[] {
  return [
    lossSentence(rows),
    ...scopedSentences(rows),
    datasetSentence(rows),
    tallySentence(rows, "C5", "Does pushing outputs away from ½ sharpen edges against the same greyscale targets"),
    tallySentence(rows, "C6", "Does an adversarial loss give sharper outputs than the fixed losses"),
    convergenceSentence(convergence),
    failedRunsSentence(failed),
    choiceSentence(rows, convergence),
  ].filter((s): s is string => s !== undefined);
}
