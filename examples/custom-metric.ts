// A metric of one's own, registered by name from this file and then named by an experiment's claim like a
// built-in one (`metric: intensityTv`): a two-group experiment is written, run and reported from here.
//
//   node --import tsx examples/custom-metric.ts        (then: runs/examples/custom-metric/report.md)
//
// Registering in this process is enough. The cells run in child processes (`aelab train`), which know the
// built-in metrics only, but they only train; the report, written in this process, measures each run into
// its record (RunMetrics) and reads the metric from the fields that record already has.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  comparedMetricNames,
  loadExperiment,
  registerMetric,
  selectBackend,
  startExperiment,
  writeReport,
  type BackendRequest,
  type ComparedMetric,
  type ReportOutcome,
  type VerdictRow,
} from "aelab";

/** Total variation distance of two histograms over the same bins, each normalised to sum to 1: in [0, 1], 0 for equal shapes. */
export function totalVariation(a: readonly number[], b: readonly number[]): number {
  const sum = (h: readonly number[]) => h.reduce((s, v) => s + v, 0);
  const [sa, sb] = [sum(a), sum(b)];
  return 0.5 * a.reduce((s, v, i) => s + Math.abs(v / sa - b[i] / sb), 0);
}

/**
 * How far the outputs' intensity histogram is from the targets': the share of pixels that would have to
 * change bins. Unlike the Wasserstein distance (a built-in metric) it ignores how far they would move, so
 * mid-grey outputs standing in for black and white pixels count as fully wrong.
 */
export const intensityTv: ComparedMetric = {
  name: "intensityTv",
  label: "intensity histogram total variation, outputs vs targets",
  // A unit of its own, so its own default: two percent of the pixels in other bins.
  sesoi: "intensityTv",
  sesoiDefault: 0.02,
  value: (m) => totalVariation(m.histogram.output, m.histogram.target),
};

/** Registers intensityTv once per process (a second registration of a name is an error). */
export function registerIntensityTv(): void {
  if (!comparedMetricNames().includes(intensityTv.name)) registerMetric(intensityTv);
}

const BASE = `
model: { variant: ae, encoder: { hidden: [256] }, decoder: { hidden: [256] }, latent: { size: 16 } }
data: { source: mnist, trainLimit: 2048, testLimit: 512 }
train: { epochs: 5, batchSize: 64, checkpointEvery: 0 }
`;

const EXPERIMENT = `
name: custom-metric
question: Does the Bernoulli likelihood keep the digits' intensity distribution better than the squared error?
base: custom-metric-base.yaml
axes:
  loss:
    mse: { model.recon: mse }
    bce: { model.recon: bce }
  seed: [1, 2]
claims:
  - id: T1
    statement: BCE outputs have an intensity histogram closer to the targets' than MSE outputs.
    comparisons:
      - { a: { loss: bce }, b: { loss: mse }, metric: intensityTv, expect: less }
`;

/**
 * Writes the experiment file and its base config into `logdir`, runs its four cells (`workers` at a time),
 * writes the report (measuring the runs on `backend`) and returns it with its row for intensityTv. `set`
 * overrides every cell's config (`train.epochs=1`), as `aelab experiment --set` does.
 */
export async function run({
  logdir = "runs/examples",
  set = [],
  workers = 2,
  backend = "auto",
  log = () => {},
}: {
  logdir?: string;
  set?: string[];
  workers?: number;
  backend?: BackendRequest;
  log?: (line: string) => void;
} = {}): Promise<{
  report: ReportOutcome;
  row: VerdictRow;
}> {
  // Before the experiment is loaded: its claims' metric names are checked then.
  registerIntensityTv();
  mkdirSync(logdir, { recursive: true });
  writeFileSync(join(logdir, "custom-metric-base.yaml"), BASE);
  writeFileSync(join(logdir, "custom-metric.yaml"), EXPERIMENT);
  const experiment = loadExperiment(join(logdir, "custom-metric.yaml"), { logdir, set });
  let report: ReportOutcome | undefined;
  // The experiment is given its report writer, as the CLI gives it: experiment/ never imports report/.
  const outcome = await startExperiment(experiment, {
    workers,
    force: false,
    report: true,
    writeReport: async (dir) => {
      // The report's metrics read tensors synchronously, which webgpu cannot in Node: selected as aelab report does.
      await selectBackend(backend, { readsSynchronously: true });
      report = await writeReport(dir, { log });
      return report;
    },
    log,
  }).done;
  if (outcome.failed.length > 0) throw new Error(`custom-metric: ${outcome.failed.length} cells failed (logs in ${join(experiment.dir, "logs")})`);
  if (!report) throw new Error(`custom-metric: no report (${outcome.report && "error" in outcome.report ? outcome.report.error : "not written"})`);
  const row = report.rows.find((r) => r.metric === intensityTv.label);
  if (!row) throw new Error(`custom-metric: the report has no ${intensityTv.name} row`);
  return { report, row };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { report, row } = await run({ log: (line) => console.log(line) });
  console.log(`\n${row.claim} ${row.verdict}: ${row.comparison}, ${row.metric} ${row.effect} (${row.test}; smallest effect of interest ${row.sesoi})`);
  console.log(`report: ${report.reportPath}`);
  // The wasm backend keeps handles open.
  process.exit(0);
}
