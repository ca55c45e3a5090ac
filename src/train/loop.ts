import * as tf from "@tensorflow/tfjs";
import type { RunConfig } from "../config/schema.js";
import { batches, binarize, epochData, type Dataset, type Split } from "../data/index.js";
import { buildVariant, type Phase, type Variant } from "../models/index.js";
import { trainableVariables } from "../nn/modules.js";
import { Rng, streamFor } from "../random/rng.js";
import type { SummaryWriter } from "../tensorboard/index.js";
import { ScalarAccumulator } from "./accumulator.js";
import { evaluate } from "./evaluate.js";
import { imageBatch, interleavedRows } from "./image-grids.js";
import { seededNoise } from "./noise.js";
import { formatNumber, silentProgress, type Progress } from "./progress.js";

export interface LoopOptions {
  config: RunConfig;
  dataset: Dataset;
  writer: SummaryWriter;
  progress?: Progress;
  /** Polled between steps; true ends training after the current step (Ctrl-C). */
  shouldStop?: () => boolean;
  /** Milliseconds, monotonic; tests may pass a fake. */
  clock?: () => number;
}

export interface EpochSummary {
  epoch: number;
  step: number;
  train: Record<string, number>;
  test: Record<string, number>;
  trainSeconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  /** Test-split losses of the untrained networks (step 0). */
  initialTest: Record<string, number>;
  epochs: EpochSummary[];
  steps: number;
  stopped: boolean;
}

/** A NaN or infinite loss: training stops with the step and term named, keeping what was logged. */
export class NonFiniteLossError extends Error {
  override readonly name = "NonFiniteLossError";
}

/** Each image grid holds this many images per row. */
const GRID_COLUMNS = 8;

interface PhaseRunner {
  phase: Phase;
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
}

/** Tag of a loss term: `train/recon` for one-phase variants, `train/<phase>/<term>` when there are several. */
function termTag(variant: Variant, phase: Phase, term: string): string {
  return variant.phases.length === 1 ? term : `${phase.name}/${term}`;
}

/**
 * One optimisation step: each phase takes the gradient of its own weighted loss with respect to its own
 * variables only, and its own optimizer applies it. Term values stay on the backend (no read-back).
 */
function trainStep(variant: Variant, runners: readonly PhaseRunner[], x: tf.Tensor4D, noise: ReturnType<typeof seededNoise>, sums: ScalarAccumulator): void {
  tf.tidy(() => {
    const values = new Map<string, tf.Scalar>();
    for (const { phase, variables, optimizer } of runners) {
      const kept: Array<[string, tf.Scalar]> = [];
      const { value, grads } = tf.variableGrads(() => {
        const terms = phase.losses(x, noise);
        let total = tf.scalar(0);
        for (const term of terms) {
          total = tf.add(total, term.weight === 1 ? term.value : tf.mul(term.value, term.weight));
          kept.push([termTag(variant, phase, term.name), tf.keep(term.value)]);
        }
        return total;
      }, variables);
      optimizer.applyGradients(grads);
      for (const [tag, v] of kept) values.set(tag, v);
      values.set(termTag(variant, phase, "loss"), value);
    }
    sums.add(values);
    for (const v of values.values()) v.dispose();
  });
}

function imagesForGrid(split: Split, count: number, dataset: Dataset): tf.Tensor4D {
  const n = Math.min(count, split.count);
  const pixels = dataset.height * dataset.width * dataset.channels;
  return tf.tensor4d(split.images.subarray(0, n * pixels), [n, dataset.height, dataset.width, dataset.channels]);
}

async function logImages(variant: Variant, writer: SummaryWriter, gridInputs: tf.Tensor4D, priorCodes: tf.Tensor2D | undefined, dataset: Dataset, step: number): Promise<void> {
  const reconstructions = tf.tidy(() => tf.sigmoid(variant.reconstructLogits(gridInputs)) as tf.Tensor4D);
  const grid = interleavedRows(gridInputs, reconstructions, GRID_COLUMNS, dataset);
  reconstructions.dispose();
  await writer.images("images/reconstruction", grid, step, GRID_COLUMNS);
  if (priorCodes && variant.samplePrior) {
    const samples = variant.samplePrior(priorCodes);
    const batch = imageBatch(samples, dataset);
    samples.dispose();
    await writer.images("images/prior_samples", batch, step, GRID_COLUMNS);
  }
}

function checkFinite(values: Iterable<[string, number]>, prefix: string, step: number, epoch: number): void {
  for (const [tag, v] of values) {
    if (!Number.isFinite(v)) {
      throw new NonFiniteLossError(`training stopped: ${prefix}/${tag} is ${v} at step ${step} (epoch ${epoch}); check the data, or lower train.lr`);
    }
  }
}

/**
 * The one training loop. It knows nothing about AE or VAE: it builds the variant named in the config and
 * runs its phases on every batch, evaluates on the test split after each epoch, and logs everything.
 */
export async function trainLoop(options: LoopOptions): Promise<TrainResult> {
  const { config, dataset, writer } = options;
  const progress = options.progress ?? silentProgress;
  const clock = options.clock ?? (() => performance.now());
  const shouldStop = options.shouldStop ?? (() => false);
  const { seed } = config;
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };

  const variant = buildVariant(config.model, shape, streamFor(seed, "weights"));
  const runners: PhaseRunner[] = variant.phases.map((phase) => ({
    phase,
    variables: phase.trains.flatMap((name) => trainableVariables(variant.modules[name])),
    optimizer: tf.train.adam(config.train.lr, config.train.betas[0], config.train.betas[1]),
  }));
  const testSplit: Split = {
    ...dataset.test,
    images: binarize(dataset.test.images, config.data.binarize, streamFor(seed, "test-binarize"), config.data.threshold),
  };
  const gridInputs = imagesForGrid(testSplit, config.log.images, dataset);
  const priorCodes = variant.samplePrior
    ? tf.randomNormal([gridInputs.shape[0], variant.latentSize], 0, 1, "float32", streamFor(seed, "prior-grid").seed()) as tf.Tensor2D
    : undefined;
  const interval = new ScalarAccumulator();
  const result: TrainResult = { initialTest: {}, epochs: [], steps: 0, stopped: false };
  const stepsPerEpoch = Math.ceil(dataset.train.count / config.train.batchSize);

  /** Test-split losses, logged at `step`; the same noise every time, so epochs compare like with like. */
  const evaluateAndLog = (step: number, epoch: number): Record<string, number> => {
    const test = evaluate(variant, testSplit, config.train.batchSize, shape, seededNoise(streamFor(seed, "eval-noise")));
    checkFinite(Object.entries(test), "test", step, epoch);
    for (const [tag, value] of Object.entries(test)) writer.scalar(`test/${tag}`, value, step);
    return test;
  };

  try {
    // Step 0: the untrained networks, as the baseline every curve starts from.
    result.initialTest = evaluateAndLog(0, 0);
    await logImages(variant, writer, gridInputs, priorCodes, dataset, 0);
    for (let epoch = 1; epoch <= config.train.epochs && !result.stopped; epoch++) {
      const split = epochData(dataset.train, config.data.binarize, epoch, seed, config.data.threshold);
      const order = new Rng(`${seed}/shuffle/${epoch}`).permutation(split.count);
      const noise = seededNoise(new Rng(`${seed}/noise/${epoch}`));
      const epochTotals = new Map<string, number>();
      let epochSteps = 0;
      let trainSeconds = 0;
      let examples = 0;
      progress.epochStart(epoch, config.train.epochs, stepsPerEpoch);

      const logInterval = () => {
        if (interval.size === 0) return;
        const { means, count } = interval.drain();
        checkFinite(means, "train", result.steps, epoch);
        for (const [tag, mean] of means) {
          writer.scalar(`train/${tag}`, mean, result.steps);
          epochTotals.set(tag, (epochTotals.get(tag) ?? 0) + mean * count);
        }
        progress.step(epochSteps, means);
      };

      const started = clock();
      for (const batch of batches(split, config.train.batchSize, order, shape)) {
        trainStep(variant, runners, batch.x, noise, interval);
        examples += batch.x.shape[0];
        batch.x.dispose();
        result.steps++;
        epochSteps++;
        if (result.steps % config.log.every === 0) {
          logInterval();
        } else {
          progress.step(epochSteps);
        }
        if (shouldStop()) {
          result.stopped = true;
          break;
        }
      }
      logInterval();
      trainSeconds += (clock() - started) / 1000;

      const test = evaluateAndLog(result.steps, epoch);
      const imagesPerSecond = examples / trainSeconds;
      writer.scalar("perf/train_images_per_second", imagesPerSecond, result.steps);
      if (epoch % config.log.imagesEvery === 0 || epoch === config.train.epochs || result.stopped) {
        await logImages(variant, writer, gridInputs, priorCodes, dataset, result.steps);
      }
      const train = Object.fromEntries([...epochTotals].map(([tag, total]) => [tag, total / epochSteps]));
      result.epochs.push({ epoch, step: result.steps, train, test, trainSeconds, imagesPerSecond });
      progress.epochEnd(
        `epoch ${epoch}/${config.train.epochs} done: test ${Object.entries(test)
          .map(([k, v]) => `${k} ${formatNumber(v)}`)
          .join("  ")}  (${Math.round(imagesPerSecond)} img/s)`,
      );
    }
  } finally {
    interval.dispose();
    gridInputs.dispose();
    priorCodes?.dispose();
    for (const runner of runners) runner.optimizer.dispose();
    variant.dispose();
    progress.close();
  }
  return result;
}
