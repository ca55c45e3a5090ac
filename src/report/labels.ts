import { hitEpochCap } from "./convergence.js";
import { formatPercent } from "./format.js";
import type { Group, RunTraits } from "./groups.js";

/** Below this classifier accuracy on its reconstructions, a group's outputs no longer show their inputs' digits. */
export const RECOGNISABLE_ACCURACY = 0.5;

/**
 * Below this accuracy on the test images themselves, the dataset classifier cannot say whether a reconstruction
 * is recognisable (the digits' MLP classifier scores 96%; on textured colour shapes the same MLP scores far less),
 * so no run is judged by it.
 */
export const RELIABLE_CLASSIFIER = 0.8;

type Run = Group["runs"][number];

/** A run's accuracy on its reconstructions, where the classifier can judge them (labelled data, a classifier that recognises the targets). */
function judgedAccuracy(r: Run): number | undefined {
  const { classifierAccuracy, targetClassifierAccuracy } = r.metrics;
  return (targetClassifierAccuracy ?? 1) >= RELIABLE_CLASSIFIER ? classifierAccuracy : undefined;
}

function meanAccuracy(g: Group): number | undefined {
  const measured = g.runs.flatMap((r) => judgedAccuracy(r) ?? []);
  return measured.length === 0 ? undefined : measured.reduce((s, a) => s + a, 0) / measured.length;
}

/** Whether a group's reconstructions are recognisable; without a classifier that can tell (unlabelled data, a weak classifier) nothing says otherwise. */
export const recognisable = (g: Group): boolean => (meanAccuracy(g) ?? 1) >= RECOGNISABLE_ACCURACY;

const unrecognisable = (accuracy: number | undefined): accuracy is number => accuracy !== undefined && accuracy < RECOGNISABLE_ACCURACY;

const SCALE_SYMBOL: Partial<Record<RunTraits["recon"], string>> = { gaussian: "σ", laplace: "b" };

/**
 * What a group trained, in a few words: "AE-BCE", "VAE-MSE β=0.5", "AE-MSE+GAN(λ adaptive) [threshold]", "AE-MSE+PERCEPTUAL",
 * "VAE-GAUSSIAN (σ learned)". Without a β (a curve across β) none is named.
 */
export function describeGroup(t: Omit<RunTraits, "seed" | "beta"> & { beta?: number }): string {
  const symbol = SCALE_SYMBOL[t.recon];
  const scale = symbol && t.scale !== undefined ? ` (${symbol} ${typeof t.scale === "number" ? `= ${t.scale}` : t.scale})` : "";
  const loss =
    (t.variant === "vaegan" ? "VAE-GAN" : `${t.family.toUpperCase()}-${t.recon.toUpperCase()}${scale}${t.adversarial ? `+GAN(${lambdaWords(t)})` : ""}`) +
    (t.perceptualWeight === undefined ? "" : `+PERCEPTUAL${t.perceptualWeight === 1 ? "" : `(${t.perceptualWeight})`}`);
  return `${loss}${t.family === "vae" && t.beta !== undefined && t.beta !== 1 ? ` β=${t.beta}` : ""}${t.binarize !== "none" ? ` [${t.binarize}]` : ""}`;
}

/** The adversarial weight as configured: "λ=10" fixed, "λ adaptive" (VQGAN's rule), "λ=0.1×adaptive", "λ=0.5×ratio". */
function lambdaWords(t: Pick<RunTraits, "adversarialBalance" | "adversarialWeight">): string {
  const mode = t.adversarialBalance ?? "fixed";
  if (mode === "fixed") return `λ=${t.adversarialWeight}`;
  return t.adversarialWeight === 1 ? `λ ${mode}` : `λ=${t.adversarialWeight}×${mode}`;
}

/** A group's words in a row, with † when its reconstructions are not recognisable and ‡ when it hit the epoch cap (see the caveats). */
export function marked(g: Group, words: string): string {
  if (g.reference) return g.name;
  return `${words}${recognisable(g) ? "" : "†"}${hitEpochCap(g) ? "‡" : ""}`;
}

/** A run whose own reconstructions the classifier does not recognise, in a group that does on average. */
export interface FailedRun {
  group: string;
  seed: number;
  accuracy: number;
  /** The group's other seeds' accuracies. */
  others: number[];
}

/**
 * Runs that failed to reconstruct inside groups that did not (a GAN collapsing in one seed out of several):
 * the group's mean hides them, and its rows average over them, so the report names each one.
 */
export function failedRuns(groups: readonly Group[]): FailedRun[] {
  return groups
    .filter((g) => !g.reference && recognisable(g))
    .flatMap((g) =>
      g.runs
        .filter((r) => unrecognisable(judgedAccuracy(r)))
        .map((r) => ({
          group: `${g.name} (${describeGroup(g.traits)})`,
          seed: r.traits.seed,
          accuracy: judgedAccuracy(r) as number,
          others: g.runs.filter((o) => o !== r).flatMap((o) => judgedAccuracy(o) ?? []),
        })),
    );
}

/** A failed run in words, for the caveats. */
export function failedRunLine(f: FailedRun): string {
  return `${f.group}, seed ${f.seed}: the classifier recognises only ${formatPercent(f.accuracy, 3)} of its reconstructions (its other seeds: ${f.others.map((a) => formatPercent(a, 3)).join(", ")}), so this run failed to reconstruct; every row that uses its group averages over it, which widens that row's interval.`;
}

/**
 * Warnings the numbers call for, to read beside the verdicts: a group whose reconstructions a classifier
 * no longer recognises (collapsed to a mean image, or a GAN's free samples) can be "sharp" without
 * reconstructing anything.
 */
export function caveats(groups: readonly Group[]): string[] {
  const out: string[] = [];
  const weak = groups.flatMap((g) =>
    g.runs.flatMap((r) => ((r.metrics.targetClassifierAccuracy ?? 1) < RELIABLE_CLASSIFIER ? [r.metrics.targetClassifierAccuracy as number] : [])),
  );
  if (weak.length > 0)
    out.push(
      `The dataset classifier recognises only ${[...new Set([Math.min(...weak), Math.max(...weak)])].map((a) => formatPercent(a, 3)).join(" to ")} of the test images themselves (below ${formatPercent(RELIABLE_CLASSIFIER)}), too few to tell whether a reconstruction is recognisable: no group is marked † from it, and its accuracy on the reconstructions is reported as measured.`,
    );
  for (const g of groups) {
    const accuracy = meanAccuracy(g);
    if (!unrecognisable(accuracy)) continue;
    const midGrey = g.runs.reduce((s, r) => s + r.metrics.midGreyOutput, 0) / g.runs.length;
    out.push(
      `${describeGroup(g.traits)}: the classifier recognises only ${formatPercent(accuracy, 3)} of its reconstructions (mean over seeds)` +
        `${midGrey === 0 ? ", and no output pixel lies in (0.1, 0.9)" : ""}: its outputs do not show their inputs' digits, so its sharpness and intensity numbers describe images that fail to reconstruct.`,
    );
  }
  return out;
}
