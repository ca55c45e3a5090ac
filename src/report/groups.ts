import type { RunConfig } from "../config/schema.js";
import { scopeOf } from "../experiment/claims.js";
import type { CellOutcome } from "../experiment/record.js";
import type { RunMetrics } from "../metrics/measured.js";

/** What a run is, in the terms the claims speak of. */
export interface RunTraits {
  variant: RunConfig["model"]["variant"];
  /** The base autoencoder: ae-like (deterministic code) or vae-like (Gaussian code). */
  family: "ae" | "vae";
  recon: RunConfig["model"]["recon"];
  /** The likelihood's scale (gaussian σ, laplace b): a number, learned or optimal; absent for the others. */
  scale?: RunConfig["model"]["scale"];
  /** Whether a learned adversarial loss shapes the outputs (a pixel GAN or VAE-GAN). */
  adversarial: boolean;
  adversarialWeight: number;
  /** How the adversarial weight is set (adversarial.balance.mode): fixed at adversarialWeight, or adversarialWeight times an adaptive or ratio rule. */
  adversarialBalance?: RunConfig["adversarial"]["balance"]["mode"];
  /** model.perceptual's weight, where the run has a perceptual loss. */
  perceptualWeight?: number;
  binarize: RunConfig["data"]["binarize"];
  beta: number;
  /** Encoder and decoder kinds, e.g. "mlp/mlp": claims compare groups with the same networks only. */
  networks: string;
  /** The data the run trained on: "mnist" (embedded) or an IDX folder's name; claims compare groups on the same data only. */
  dataset: string;
  seed: number;
}

export { datasetLabel } from "../experiment/claims.js";

export function traitsOf(config: RunConfig): RunTraits {
  const { variant } = config.model;
  const pixelGan = variant === "ae+gan" || variant === "vae+gan";
  return {
    variant,
    family: variant === "ae" || variant === "ae+gan" || variant === "aae" ? "ae" : "vae",
    recon: config.model.recon,
    ...(config.model.scale !== undefined ? { scale: config.model.scale } : {}),
    adversarial: (pixelGan && config.adversarial.weight > 0) || variant === "vaegan",
    adversarialWeight: pixelGan ? config.adversarial.weight : variant === "vaegan" ? 1 : 0,
    ...(pixelGan || variant === "vaegan" ? { adversarialBalance: config.adversarial.balance.mode } : {}),
    ...(config.model.perceptual ? { perceptualWeight: config.model.perceptual.weight } : {}),
    binarize: config.data.binarize,
    beta: config.model.beta,
    ...scopeOf(config),
    seed: config.seed,
  };
}

/** One cell of the experiment, measured. */
export interface MeasuredRun {
  cell: string;
  /** The cell's level on every axis but the seed axis: runs that share it form a group. */
  group: string;
  levels: Record<string, string>;
  traits: RunTraits;
  metrics: RunMetrics;
  /** How its training ended and its learning curve (run.json); absent where the run folder has none. */
  outcome?: CellOutcome;
}

/** Runs that differ only in their seed. */
export interface Group {
  name: string;
  levels: Record<string, string>;
  traits: Omit<RunTraits, "seed">;
  runs: MeasuredRun[];
  /** Set for a reference (not a trained model, e.g. the class-mean oracle): why it is shown. Never in a tally. */
  reference?: string;
}

export function groupRuns(runs: readonly MeasuredRun[]): Group[] {
  const groups = new Map<string, Group>();
  for (const run of runs) {
    let group = groups.get(run.group);
    if (!group) {
      const { seed: _seed, ...traits } = run.traits;
      group = { name: run.group, levels: run.levels, traits, runs: [] };
      groups.set(run.group, group);
    }
    group.runs.push(run);
  }
  for (const group of groups.values()) group.runs.sort((a, b) => a.traits.seed - b.traits.seed);
  return [...groups.values()];
}

/** Values of a metric in two groups, paired by seed (seeds present in both only). */
export function pairBySeed(a: Group, b: Group, value: (m: RunMetrics) => number): { seeds: number[]; a: number[]; b: number[] } {
  const bySeed = new Map(b.runs.map((r) => [r.traits.seed, r]));
  const seeds: number[] = [];
  const va: number[] = [];
  const vb: number[] = [];
  for (const run of a.runs) {
    const other = bySeed.get(run.traits.seed);
    if (!other) continue;
    seeds.push(run.traits.seed);
    va.push(value(run.metrics));
    vb.push(value(other.metrics));
  }
  return { seeds, a: va, b: vb };
}
