import type { RunConfig } from "../config/schema.js";
import { binarize, unitFloats } from "../data/index.js";
import { classMeanOracle } from "../metrics/index.js";
import { streamFor } from "../random/rng.js";
import { datasetLabel, type Group, type MeasuredRun } from "./groups.js";
import { ORACLE_NAME, ORACLE_NOTE } from "./oracle-note.js";
import { datasetCacheKey, measure, measuringKit, runTestTargets, type MeasureContext } from "./run-metrics.js";

/** The runs' configs that share a dataset split and a binarization: one oracle "run" measures them all. */
function oracleKey(config: RunConfig): string {
  return JSON.stringify([datasetCacheKey(config), config.data.binarize, config.data.binarize === "threshold" ? config.data.threshold : null]);
}

/** The oracle group's name: one per binarization (and per data source when an experiment has several). */
function oracleName(config: RunConfig, sources: number): string {
  const binarized = config.data.binarize !== "none" ? ` [${config.data.binarize}]` : "";
  return `${ORACLE_NAME}${binarized}${sources > 1 ? ` (${datasetLabel(config.data.source)})` : ""}`;
}

/**
 * The levels every run an oracle stands beside shares (its binarization, its data set where an axis sets it):
 * what an experiment file's `where` selects it by, and how a row finds the oracle of its own targets.
 */
export function sharedLevels(levels: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const shared: Record<string, string> = { ...(levels[0] ?? {}) };
  for (const l of levels) for (const [axis, level] of Object.entries(shared)) if (l[axis] !== level) delete shared[axis];
  return shared;
}

/**
 * The class-mean oracle measured with the runs' own metrics, once per dataset split (seed) and binarization the
 * experiment's runs used, not once per run: reference groups, one per binarization, each with a "run" per seed.
 * Its training images are prepared as the runs' targets were: thresholded for threshold runs, greyscale otherwise
 * (the greyscale mean is the expectation of Bernoulli draws too).
 */
export async function oracleGroups(runs: ReadonlyArray<{ run: MeasuredRun; config: RunConfig }>, context: MeasureContext): Promise<Group[]> {
  const byKey = new Map<string, { run: MeasuredRun; config: RunConfig }>();
  for (const r of runs) if (!byKey.has(oracleKey(r.config))) byKey.set(oracleKey(r.config), r);
  const sources = new Set(runs.map((r) => r.config.data.source)).size;
  const groups = new Map<string, Group>();
  for (const { run, config } of byKey.values()) {
    const { dataset, classifier } = await measuringKit(config, context);
    const trainImages =
      config.data.binarize === "threshold"
        ? binarize(dataset.train.images, "threshold", streamFor(config.seed, "oracle-binarize"), config.data.threshold)
        : dataset.train.images;
    const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
    const targets = runTestTargets(config, dataset);
    const predictions = classMeanOracle({ ...dataset.train, images: trainImages }, targets, shape);
    const name = oracleName(config, sources);
    const metrics = measure({
      run: name,
      step: 0,
      targets,
      greyTargets: unitFloats(dataset.test.images),
      greyscale: config.data.binarize === "none",
      outputs: predictions.pixels,
      shape,
      classifier,
    });
    const { seed: _seed, ...traits } = run.traits;
    let group = groups.get(name);
    if (!group) {
      group = { name, levels: {}, traits: { ...traits, variant: "ae", adversarial: false, adversarialWeight: 0 }, runs: [], reference: ORACLE_NOTE };
      groups.set(name, group);
    }
    group.runs.push({
      cell: `${name}/seed-${config.seed}`,
      group: name,
      levels: {},
      traits: { ...run.traits, variant: "ae", adversarial: false, adversarialWeight: 0 },
      metrics,
    });
  }
  for (const group of groups.values()) {
    group.runs.sort((a, b) => a.traits.seed - b.traits.seed);
    group.levels = sharedLevels(runs.filter((r) => oracleName(r.config, sources) === group.name).map((r) => r.run.levels));
  }
  return [...groups.values()];
}
