import type { Convergence } from "../../src/train/early-stopping.js";
import type { CellOutcome } from "../../src/experiment/record.js";
import type { MeasuredRun, RunTraits } from "../../src/report/groups.js";
import type { RunMetrics } from "../../src/report/run-metrics.js";

/** Every metric zero, classifier accuracy 0.9. */
export function zeroMetrics(): RunMetrics {
  return {
    version: 1,
    run: "",
    step: 1,
    examples: 1,
    mse: 0,
    bce: 0,
    l1: 0,
    psnr: 0,
    ssim: 0,
    msssim: 0,
    lfd: 0,
    spectrumDistance: 0,
    sharpnessRatio: { gradient: 0, laplacianVariance: 0 },
    outputSharpness: { gradient: 0, laplacianVariance: 0 },
    pullTowardHalf: 0,
    signedError: 0,
    signedErrorNonZero: 0,
    byIntensity: [],
    wasserstein: 0,
    midGreyOutput: 0,
    midGreyTarget: 0,
    histogram: { edges: [], output: [], target: [] },
    classifierAccuracy: 0.9,
    reconstructionFrechet: 0,
    reliability: { pull: 0, meanAbsBias: 0, bins: [] },
    highFrequencyRatio: { ownTargets: 0, greyTargets: 0 },
    sharpnessVsGrey: { gradient: 0, laplacianVariance: 0 },
  };
}

/** A measured run whose metrics are all zero except those given. */
export function measuredRun(group: string, traits: Partial<RunTraits>, seed: number, metrics: Partial<RunMetrics>, outcome?: CellOutcome): MeasuredRun {
  const full: RunTraits = {
    variant: "ae",
    family: "ae",
    recon: "mse",
    adversarial: false,
    adversarialWeight: 0,
    binarize: "none",
    beta: 1,
    networks: "mlp/mlp",
    dataset: "mnist",
    seed,
    ...traits,
  };
  return {
    cell: `${group}/seed-${seed}`,
    group,
    levels: { loss: group },
    traits: full,
    metrics: { ...zeroMetrics(), run: `${group}/seed-${seed}`, ...metrics },
    ...(outcome ? { outcome } : {}),
  };
}

/** run.json's convergence of a run with early stopping: stopped by patience (converged) or at the cap. */
export function convergence(o: { converged: boolean; bestEpoch: number; epochsRun: number; maxEpochs?: number }): Convergence {
  return {
    monitor: "validation/ae/loss",
    patience: 3,
    minDelta: 0,
    minRelativeDelta: 0,
    startFromEpoch: 0,
    restoreBestWeights: true,
    bestEpoch: o.bestEpoch,
    best: 1,
    epochsRun: o.epochsRun,
    maxEpochs: o.maxEpochs ?? 20,
    converged: o.converged,
    stoppedEpoch: o.converged ? o.epochsRun : null,
    weightsEpoch: o.bestEpoch,
  };
}

/** A measured run in the group its levels name (axis to level, the seed axis apart), metrics zero except those given. */
export function levelledRun(
  levels: Record<string, string>,
  traits: Partial<RunTraits>,
  seed: number,
  metrics: Partial<RunMetrics>,
  outcome?: CellOutcome,
): MeasuredRun {
  const group = Object.values(levels).join("/");
  return { ...measuredRun(group, traits, seed, metrics, outcome), levels };
}
