import type { Argv } from "yargs";
import { BACKEND_REQUESTS, selectBackend, type BackendRequest } from "../backend/index.js";
import { binarize, dataCacheNear, loadDataset, takePrefix, unitFloats, type Dataset } from "../data/index.js";
import { streamFor } from "../random/rng.js";
import { evaluate } from "../train/evaluate.js";
import { loadRun } from "../train/load-run.js";
import { nllAvailability } from "../train/nll-availability.js";
import { seededNoise } from "../train/noise.js";
import { formatNumber } from "../train/progress.js";
import { featureCacheNear } from "../features/cache-near.js";
import { loadOrTrainFeatureNetwork } from "../features/feature-network.js";
import { FEATURE_SEEDS } from "../config/feature-network-spec.js";
import { evalMetrics, evalScalars, logEvalMetrics, type EvalMetrics } from "../report/eval-metrics.js";
import { priorSamples, reconstructions } from "../report/run-metrics.js";

interface EvalArgs {
  run: string;
  json: boolean;
  backend: BackendRequest;
  iwae: number;
  features: boolean;
  log: boolean;
}

/** main() prints errors named UsageError as a usage mistake (one line, a pointer to --help, exit 2). */
class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The dataset with the train split the run (and the report's feature network) saw: its first `trainLimit` images. */
function trainedOn(dataset: Dataset, trainLimit: number | undefined): Dataset {
  return trainLimit === undefined ? dataset : { ...dataset, train: takePrefix(dataset.train, trainLimit) };
}

/** Importance samples per test image for log p(x) unless --iwae says otherwise. */
const DEFAULT_IWAE_SAMPLES = 100;

export const evalCommand = {
  command: "eval <run>",
  describe: "Test-split losses of a run's checkpoint, as a table (or --json)",
  builder: (y: Argv) =>
    y
      .positional("run", { type: "string", demandOption: true, describe: "Run folder, e.g. runs/vae-bce" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON object for scripts" })
      .option("backend", { choices: BACKEND_REQUESTS, default: "auto" as BackendRequest })
      .option("iwae", {
        type: "number",
        default: DEFAULT_IWAE_SAMPLES,
        describe: "Importance samples k per test image for nll (log p(x), IWAE bound) of a VAE with a proper likelihood; 0: skip",
      })
      .option("features", {
        type: "boolean",
        default: true,
        describe:
          "Measure rFID, KID, precision and recall (and their sample twins) in aelab's evaluation feature network, trained once per dataset and cached in <logdir>/.cache/features",
      })
      .option("log", {
        type: "boolean",
        default: true,
        describe:
          "Write the image and feature metrics into the run's TensorBoard as test/* at the checkpoint's step (an events file of eval's own, replaced by each eval)",
      }),
  handler: async (argv: EvalArgs) => {
    await selectBackend(argv.backend);
    const run = await loadRun(argv.run);
    try {
      const { config } = run;
      const dataset = await loadDataset(config.data.source, { ...config.data, seed: config.seed, trainLimit: undefined, cacheDir: dataCacheNear(argv.run) });
      // The same test targets and evaluation noise as the run's own test/* scalars, so the numbers agree.
      const test = {
        ...dataset.test,
        images: binarize(dataset.test.images, config.data.binarize, streamFor(config.seed, "test-binarize"), config.data.threshold),
      };
      if (!Number.isInteger(argv.iwae) || argv.iwae < 0) throw new UsageError(`--iwae must be a whole number >= 0 (got ${argv.iwae})`);
      const nll = nllAvailability(config.model.variant, config.model.recon, config.data.binarize !== "none");
      const iwaeSamples = nll.available ? argv.iwae : 0;
      const evaluation = await evaluate(run.variant, test, config.train.batchSize, run.shape, seededNoise(streamFor(config.seed, "eval-noise")), {
        iwaeSamples,
        iwaeNoise: seededNoise(streamFor(config.seed, "iwae-noise")),
      });
      const features = argv.features
        ? await loadOrTrainFeatureNetwork(featureCacheNear(argv.run), trainedOn(dataset, config.data.trainLimit), {
            seed: FEATURE_SEEDS.evaluation,
            log: (line) => process.stderr.write(`${line}\n`),
          })
        : undefined;
      let measured: EvalMetrics;
      try {
        measured = evalMetrics(
          {
            targets: unitFloats(test.images),
            outputs: reconstructions(run.variant, test, run.shape),
            samples: priorSamples(run.variant, test.count),
            count: test.count,
            shape: run.shape,
          },
          features,
        );
      } finally {
        features?.dispose();
      }
      const eventsFile = argv.log ? await logEvalMetrics(argv.run, run.checkpoint.step, measured) : undefined;
      const result = {
        run: argv.run,
        variant: config.model.variant,
        recon: config.model.recon,
        step: run.checkpoint.step,
        examples: test.count,
        metrics: evaluation.scalars,
        activeUnits: evaluation.activeUnits,
        klPerDimension: evaluation.klPerDimension,
        iwaeSamples: iwaeSamples || undefined,
        nllSkipped: iwaeSamples ? undefined : (nll.reason ?? "--iwae 0"),
        images: measured.images,
        features: measured.features,
        eventsFile,
      };
      if (argv.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const rows: Array<[string, string]> = [
        ...Object.entries(evaluation.scalars).map(([k, v]) => [k, formatNumber(v)] as [string, string]),
        ["latent/active_units", String(evaluation.activeUnits)],
        ...evalScalars(measured).map(([tag, v]) => [tag.slice("test/".length), formatNumber(v)] as [string, string]),
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      process.stdout.write(`${argv.run}: ${config.model.variant} (${config.model.recon}), step ${run.checkpoint.step}, ${test.count} test examples\n`);
      process.stdout.write(`${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n`);
      process.stdout.write(
        iwaeSamples
          ? `  (nll: -log p(x) in nats per image, bpd: in bits per dimension; importance-weighted bound, k = ${iwaeSamples})\n`
          : `  (no nll: ${nll.reason ?? "--iwae 0"})\n`,
      );
      const id = measured.features?.featureSpace;
      if (id) {
        process.stdout.write(
          `  (rfid, kid, precision, recall: in aelab's feature network ${id.key}, ${id.objective}, test accuracy ${(id.testAccuracy * 100).toFixed(2)}%; not Inception's)\n`,
        );
      }
      if (eventsFile) process.stdout.write(`  (written to TensorBoard: ${eventsFile})\n`);
    } finally {
      run.variant.dispose();
    }
  },
};
