import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../config/errors.js";
import type { NetworkName, RunConfig } from "../config/schema.js";
import { batches, binarize, epochData, type Dataset, type Split } from "../data/index.js";
import { gatherSplit, validationIndices } from "../data/validation-split.js";
import { buildVariant, type Variant } from "../models/index.js";
import { Rng, streamFor, type RngState } from "../random/rng.js";
import type { SummaryWriter } from "../tensorboard/index.js";
import { ScalarAccumulator } from "./accumulator.js";
import { BestWeights } from "./best-weights.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { initialEarlyStopping, monitorTag, observeEpoch, type Convergence, type EarlyStoppingState } from "./early-stopping.js";
import { evaluate, type Evaluation } from "./evaluate.js";
import { imageBatch, interleavedRows, likelihoodGrids } from "./image-grids.js";
import { seededNoise } from "./noise.js";
import { buildOptimizers } from "./optimizers.js";
import { nllAvailability } from "./nll-availability.js";
import { formatNumber, silentProgress, type Progress } from "./progress.js";
import { phaseRunners, trainStep, type StepState } from "./step.js";

export interface LoopOptions {
  config: RunConfig;
  dataset: Dataset;
  writer: SummaryWriter;
  progress?: Progress;
  /** Polled between steps; true ends training after the current step (Ctrl-C). */
  shouldStop?: () => boolean;
  /** Milliseconds, monotonic; tests may pass a fake. */
  clock?: () => number;
  /** Where checkpoints go (every train.checkpointEvery epochs, at the end, and when stopped); none if absent. */
  checkpointDir?: string;
  /** Continue from the checkpoint in checkpointDir instead of starting afresh. */
  resume?: boolean;
  /** The config file, named in config errors only training can find (an early-stopping monitor the variant does not log). */
  configOrigin?: string;
}

export interface EpochSummary {
  epoch: number;
  step: number;
  train: Record<string, number>;
  /** Validation-split means, the same scalars as `test` (absent without a validation split). */
  validation?: Record<string, number>;
  test: Record<string, number>;
  activeUnits: number;
  trainSeconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  /** Test-split losses of the untrained networks (step 0); empty for a resumed run. */
  initialTest: Record<string, number>;
  /** Validation-split losses of the untrained networks; empty for a resumed run or without a validation split. */
  initialValidation: Record<string, number>;
  epochs: EpochSummary[];
  steps: number;
  /** Interrupted (Ctrl-C), not finished: the run can be resumed. */
  stopped: boolean;
  /** How early stopping ended (or left) the run; absent without train.earlyStopping. */
  convergence?: Convergence;
}

/** A NaN or infinite loss: training stops with the step and term named, keeping what was logged. */
export class NonFiniteLossError extends Error {
  override readonly name = "NonFiniteLossError";
}

/** Each image grid holds this many images per row. */
const GRID_COLUMNS = 8;

/** Where training stands; a checkpoint stores exactly this, so a resumed run continues bit for bit. */
interface Position {
  /** The epoch in progress (1-based) and how many of its batches are done. */
  epoch: number;
  batchesDone: number;
  step: number;
  noiseState?: RngState;
  signals: Array<[string, number]>;
  earlyStopping?: EarlyStoppingState;
  /** The checkpoint holds the restored best weights as the networks (see BestWeights). */
  restored?: boolean;
}

/** The first `count` test images (a fixed set, so every epoch shows the same ones). */
function imagesForGrid(split: Split, count: number, dataset: Dataset): tf.Tensor4D {
  const n = Math.min(count, split.count);
  const pixels = dataset.height * dataset.width * dataset.channels;
  return tf.tensor4d(split.images.subarray(0, n * pixels), [n, dataset.height, dataset.width, dataset.channels]);
}

async function logImages(variant: Variant, writer: SummaryWriter, gridInputs: tf.Tensor4D, priorCodes: tf.Tensor2D | undefined, dataset: Dataset, step: number): Promise<void> {
  const reconstructions = tf.tidy(() => tf.sigmoid(variant.reconstructLogits(gridInputs)) as tf.Tensor4D);
  const grid = await interleavedRows(gridInputs, reconstructions, GRID_COLUMNS, dataset);
  reconstructions.dispose();
  await writer.images("images/reconstruction", grid, step, GRID_COLUMNS);
  for (const extra of await likelihoodGrids(variant, gridInputs, GRID_COLUMNS, dataset)) await writer.images(extra.tag, extra.batch, step, GRID_COLUMNS);
  if (priorCodes) {
    const samples = variant.generate(priorCodes);
    const batch = await imageBatch(samples, dataset);
    samples.dispose();
    await writer.images("images/prior_samples", batch, step, GRID_COLUMNS);
  }
}

/** Test images whose intensities (and codes) are logged as histograms; enough pixels for smooth shapes. */
const HISTOGRAM_IMAGES = 256;

/**
 * Input and output intensities on one fixed [0, 1] bucketing, side by side, so a pull of the outputs
 * toward 0.5 (or away from it) shows at a glance; and the codes of the same images.
 */
async function logHistograms(variant: Variant, writer: SummaryWriter, inputs: tf.Tensor4D, step: number): Promise<void> {
  const [output, code] = tf.tidy(() => [tf.sigmoid(variant.reconstructLogits(inputs)), variant.encode(inputs).embedding]);
  try {
    const [inputValues, outputValues, codeValues] = await Promise.all([inputs.data(), output.data(), code.data()]);
    writer.histogram("intensity/input", inputValues as Float32Array, step, { range: [0, 1] });
    writer.histogram("intensity/output", outputValues as Float32Array, step, { range: [0, 1] });
    writer.histogram("latent/code", codeValues as Float32Array, step);
  } finally {
    tf.dispose([output, code]);
  }
}

/** Diagnostics and gating shares are not losses: they get their own top-level sections. */
function trainTag(tag: string): string {
  return /^(diagnostics|gating)\//.test(tag) ? tag : `train/${tag}`;
}

/** Losses are read back only when logging, so a NaN is caught by the logging step that follows it. */
function checkFinite(values: Iterable<[string, number]>, step: number, epoch: number, tagOf: (tag: string) => string = trainTag): void {
  for (const [tag, v] of values) {
    if (!Number.isFinite(v)) {
      throw new NonFiniteLossError(`training stopped: ${tagOf(tag)} is ${v} by step ${step} (epoch ${epoch}); check the data, or lower train.lr`);
    }
  }
}

function logEvaluation(writer: SummaryWriter, evaluation: Evaluation, step: number, section: "test" | "validation" = "test"): void {
  for (const [tag, value] of Object.entries(evaluation.scalars)) writer.scalar(`${section}/${tag}`, value, step);
  writer.scalar(`${section}/latent/active_units`, evaluation.activeUnits, step);
  if (section === "test") evaluation.klPerDimension?.forEach((kl, i) => writer.scalar(`test/latent/kl_dim_${String(i).padStart(2, "0")}`, kl, step));
}

/** The training examples' positions after the validation split is held out (undefined: all of them, as without one). */
function validationData(config: RunConfig, train: Split): { trainIndices?: Uint32Array; validation?: Split } {
  if (!(config.data.validation > 0)) return {};
  const { train: trainIndices, validation } = validationIndices(train.labels, config.data.validation, config.seed);
  const split = gatherSplit(train, validation);
  // Fixed targets like the test split's: every epoch is judged on the same pixels.
  const images = binarize(split.images, config.data.binarize, streamFor(config.seed, "validation-binarize"), config.data.threshold);
  return { trainIndices, validation: { ...split, images } };
}

/**
 * The one training loop. It knows nothing about AE, VAE, AAE or VAE-GAN: it builds the variant named in
 * the config and runs its phases on every batch, evaluates on the test split after each epoch, logs
 * everything, and checkpoints so that an interrupted run can continue exactly.
 */
export async function trainLoop(options: LoopOptions): Promise<TrainResult> {
  const { config, dataset, writer, checkpointDir } = options;
  const progress = options.progress ?? silentProgress;
  const clock = options.clock ?? (() => performance.now());
  const shouldStop = options.shouldStop ?? (() => false);
  const { seed } = config;
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const earlyStopping = config.train.earlyStopping;

  const variant = buildVariant(config, shape, streamFor(seed, "weights"));
  const optimizers = buildOptimizers(variant, config.train);
  const runners = phaseRunners(variant);
  const best = earlyStopping?.restoreBestWeights ? new BestWeights(variant, buildVariant(config, shape, streamFor(seed, "weights"))) : undefined;
  const monitor = earlyStopping ? monitorTag(earlyStopping, variant.phases[0].name) : undefined;
  const { trainIndices, validation: validationSplit } = validationData(config, dataset.train);
  const trainCount = trainIndices?.length ?? dataset.train.count;
  const testSplit: Split = {
    ...dataset.test,
    images: binarize(dataset.test.images, config.data.binarize, streamFor(seed, "test-binarize"), config.data.threshold),
  };
  const gridInputs = imagesForGrid(testSplit, config.log.images, dataset);
  const histogramInputs = imagesForGrid(testSplit, HISTOGRAM_IMAGES, dataset);
  const priorCodes = variant.prior?.sample(gridInputs.shape[0], seededNoise(streamFor(seed, "prior-grid")));
  const interval = new ScalarAccumulator();
  const result: TrainResult = { initialTest: {}, initialValidation: {}, epochs: [], steps: 0, stopped: false };
  const stepsPerEpoch = Math.ceil(trainCount / config.train.batchSize);
  // Epochs wholly inside the adversarial warm-up (adversarial.start) are not judged either: their weights
  // never met the adversarial term, and judging them made a GAN run's best epoch one from before its GAN
  // switched on (measured: start at step 300, stopped at epoch 8 with the best at epoch 5).
  const judgeFrom = earlyStopping ? Math.max(earlyStopping.startFromEpoch, Math.floor(config.adversarial.start / stepsPerEpoch)) : 0;
  let position: Position = { epoch: 1, batchesDone: 0, step: 0, signals: [] };
  let stopping: EarlyStoppingState = initialEarlyStopping;

  /** `restored`: the final save of a run whose best weights are its result (see BestWeights). */
  const checkpointModels = (restored: boolean) => best?.checkpointModels(restored) ?? (variant.networks as Record<NetworkName, tf.LayersModel>);
  const saveAt = async (at: Position) => {
    if (!checkpointDir) return;
    await saveCheckpoint(checkpointDir, {
      models: checkpointModels(Boolean(at.restored)),
      optimizers: optimizers as Record<NetworkName, tf.Optimizer>,
      variables: variant.state,
      state: { epoch: at.epoch, step: at.step, extra: { position: at } },
    });
  };

  /** Test-split losses, logged at `step`; the same noise every time, so epochs compare like with like. */
  // -log p(x) costs k decoder passes per test image, so only the last epoch's evaluation estimates it.
  const nllSamples = nllAvailability(config.model.variant, config.model.recon, config.data.binarize !== "none").available ? config.log.nllSamples : 0;
  const evaluateTest = async (step: number, epoch: number, withNll = false): Promise<Evaluation> => {
    const evaluation = await evaluate(variant, testSplit, config.train.batchSize, shape, seededNoise(streamFor(seed, "eval-noise")), {
      // Its own noise stream (as aelab eval's), so every other test scalar is what it would be without it.
      ...(withNll && nllSamples > 0 ? { iwaeSamples: nllSamples, iwaeNoise: seededNoise(streamFor(seed, "iwae-noise")) } : {}),
    });
    checkFinite(Object.entries(evaluation.scalars), step, epoch, (tag) => `test/${tag}`);
    return evaluation;
  };
  const evaluateAndLog = async (step: number, epoch: number, withNll = false): Promise<Evaluation> => {
    const evaluation = await evaluateTest(step, epoch, withNll);
    logEvaluation(writer, evaluation, step);
    return evaluation;
  };
  /** Validation-split losses, by the same code and noise as the test split's, logged as validation/*. */
  const validateAndLog = async (split: Split, step: number, epoch: number): Promise<Record<string, number>> => {
    const evaluation = await evaluate(variant, split, config.train.batchSize, shape, seededNoise(streamFor(seed, "eval-noise")));
    checkFinite(Object.entries(evaluation.scalars), step, epoch, (tag) => `validation/${tag}`);
    logEvaluation(writer, evaluation, step, "validation");
    return evaluation.scalars;
  };
  const monitored = (scalars: Record<string, number>): number => {
    const value = scalars[monitor!.slice("validation/".length)];
    if (value === undefined) {
      const known = Object.keys(scalars).map((tag) => `validation/${tag}`).join(", ");
      throw new ConfigError(`config error${options.configOrigin ? ` in ${options.configOrigin}` : ""}: train.earlyStopping.monitor "${monitor}" is not logged by variant ${config.model.variant}; it logs ${known}`);
    }
    return value;
  };

  let lastEpochDone = 0;
  let finalTest: Record<string, number> | undefined;
  try {
    if (options.resume) {
      if (!checkpointDir) throw new Error("trainLoop: resume needs checkpointDir");
      // The position says which layout the networks were saved in, so it is read before the weights.
      const saved = (await loadCheckpoint(checkpointDir, { models: {}, optimizers: {} })).extra as { position: Position };
      const state = await loadCheckpoint(checkpointDir, {
        models: checkpointModels(Boolean(saved.position.restored)),
        optimizers: optimizers as Record<NetworkName, tf.Optimizer>,
        variables: variant.state,
      });
      position = (state.extra as { position: Position }).position;
      state.extra = {};
      stopping = position.earlyStopping ?? initialEarlyStopping;
      lastEpochDone = position.epoch - 1;
      // The live networks hold the training weights; the restore is redone if training ends again.
      position.restored = false;
      progress.message(`resuming at step ${position.step} (epoch ${position.epoch}, ${position.batchesDone} of its batches done)`);
    } else {
      // Step 0: the untrained networks, as the baseline every curve starts from.
      result.initialTest = (await evaluateAndLog(0, 0)).scalars;
      if (validationSplit) {
        result.initialValidation = await validateAndLog(validationSplit, 0, 0);
        // A monitor the variant does not log is a config error: found here, before any training.
        if (monitor) monitored(result.initialValidation);
      }
      await logImages(variant, writer, gridInputs, priorCodes, dataset, 0);
      await logHistograms(variant, writer, histogramInputs, 0);
    }
    result.steps = position.step;
    const state: StepState = { signals: new Map(position.signals) };
    let stopRequested = false;
    if (stopping.stoppedEpoch !== null) progress.message(`early stopping ended this run after epoch ${stopping.stoppedEpoch}; nothing to resume`);

    for (let epoch = position.epoch; epoch <= config.train.epochs && !result.stopped && stopping.stoppedEpoch === null; epoch++) {
      const resumingMidEpoch = epoch === position.epoch && position.batchesDone > 0;
      const skip = resumingMidEpoch ? position.batchesDone : 0;
      const split = epochData(dataset.train, config.data.binarize, epoch, seed, config.data.threshold);
      // The shuffle permutes the training examples' positions: all of them, or those the validation split left.
      const permutation = new Rng(`${seed}/shuffle/${epoch}`).permutation(trainCount);
      const order = (trainIndices ? permutation.map((i) => trainIndices[i]) : permutation).subarray(skip * config.train.batchSize);
      const noiseRng = new Rng(`${seed}/noise/${epoch}`, resumingMidEpoch ? position.noiseState : undefined);
      const noise = seededNoise(noiseRng);
      const epochTotals = new Map<string, { sum: number; count: number }>();
      let epochSteps = skip;
      let examples = 0;
      progress.epochStart(epoch, config.train.epochs, stepsPerEpoch);

      const logInterval = async () => {
        if (interval.size === 0) return;
        const { means, counts } = await interval.drain();
        checkFinite(means, result.steps, epoch);
        for (const [tag, mean] of means) {
          writer.scalar(trainTag(tag), mean, result.steps);
          const total = epochTotals.get(tag) ?? { sum: 0, count: 0 };
          const count = counts.get(tag)!;
          epochTotals.set(tag, { sum: total.sum + mean * count, count: total.count + count });
        }
        progress.step(epochSteps, means);
      };

      const started = clock();
      for (const batch of batches(split, config.train.batchSize, order, shape)) {
        await trainStep(variant, runners, optimizers, batch.x, noise, result.steps, state, interval);
        examples += batch.x.shape[0];
        batch.x.dispose();
        result.steps++;
        epochSteps++;
        if (result.steps % config.log.every === 0) await logInterval();
        else progress.step(epochSteps);
        stopRequested = shouldStop();
        if (stopRequested && epochSteps < stepsPerEpoch) {
          result.stopped = true;
          break;
        }
      }
      await logInterval();
      const trainSeconds = (clock() - started) / 1000;

      // A part-trained epoch (interrupted) is neither validated nor judged: the resumed run redoes it whole.
      const validation = validationSplit && !result.stopped ? await validateAndLog(validationSplit, result.steps, epoch) : undefined;
      let judged = "";
      if (validation && earlyStopping) {
        const value = monitored(validation);
        const decision = observeEpoch({ ...earlyStopping, startFromEpoch: judgeFrom }, stopping, epoch, value);
        stopping = decision.state;
        if (decision.improved) best?.snapshot();
        judged = `  ${monitor} ${formatNumber(value)}${decision.improved ? " (best)" : epoch > judgeFrom ? ` (${stopping.wait}/${earlyStopping.patience} without improvement)` : ""}`;
      }
      if (!result.stopped) lastEpochDone = epoch;
      const finalEpoch = !result.stopped && (stopping.stoppedEpoch !== null || epoch === config.train.epochs);

      const evaluation = await evaluateAndLog(result.steps, epoch, finalEpoch);
      const imagesPerSecond = examples / trainSeconds;
      writer.scalar("perf/train_images_per_second", imagesPerSecond, result.steps);
      if (epoch % config.log.imagesEvery === 0 || finalEpoch || result.stopped) {
        await logImages(variant, writer, gridInputs, priorCodes, dataset, result.steps);
        await logHistograms(variant, writer, histogramInputs, result.steps);
      }
      const train = Object.fromEntries([...epochTotals].map(([tag, total]) => [tag, total.sum / total.count]));
      result.epochs.push({ epoch, step: result.steps, train, ...(validation ? { validation } : {}), test: evaluation.scalars, activeUnits: evaluation.activeUnits, trainSeconds, imagesPerSecond });
      progress.epochEnd(
        `epoch ${epoch}/${config.train.epochs}${result.stopped ? " (stopped)" : ""}: test ${Object.entries(evaluation.scalars)
          .filter(([tag]) => !tag.startsWith("diagnostics/"))
          .map(([k, v]) => `${k} ${formatNumber(v)}`)
          .join("  ")}  (${Math.round(imagesPerSecond)} img/s)${judged}`,
      );
      if (stopping.stoppedEpoch === epoch) {
        progress.message(`early stopping: ${monitor} has not improved by more than minDelta ${earlyStopping!.minDelta} + minRelativeDelta ${earlyStopping!.minRelativeDelta} x |best| for ${earlyStopping!.patience} epochs; best ${formatNumber(stopping.best!)} at epoch ${stopping.bestEpoch}`);
      }

      const signals = [...state.signals];
      const next: Position = { epoch: epoch + 1, batchesDone: 0, step: result.steps, signals, earlyStopping: stopping };
      // A stop requested during the epoch's last step ends the run after its evaluation and checkpoint.
      const stopAtEpochEnd = !result.stopped && stopRequested && !finalEpoch;
      if (result.stopped) {
        await saveAt({ epoch, batchesDone: epochSteps, step: result.steps, noiseState: noiseRng.state(), signals, earlyStopping: stopping });
      } else if (finalEpoch) {
        finalTest = evaluation.scalars;
        const restoring = best !== undefined && stopping.bestEpoch !== null;
        await saveAt({ ...next, restored: restoring });
        if (restoring) {
          best.restore();
          // The weights the run ends with, on the test split; a second evaluation only if they are not this epoch's.
          finalTest = stopping.bestEpoch === epoch ? evaluation.scalars : (await evaluateTest(result.steps, epoch, true)).scalars;
        }
      } else if (stopAtEpochEnd || (config.train.checkpointEvery > 0 && epoch % config.train.checkpointEvery === 0)) {
        await saveAt(next);
      }
      if (stopAtEpochEnd) result.stopped = true;
    }
    if (earlyStopping) {
      const restored = best !== undefined && stopping.bestEpoch !== null && !result.stopped && (stopping.stoppedEpoch !== null || lastEpochDone >= config.train.epochs);
      result.convergence = {
        monitor: monitor!,
        patience: earlyStopping.patience,
        minDelta: earlyStopping.minDelta,
        minRelativeDelta: earlyStopping.minRelativeDelta,
        startFromEpoch: judgeFrom,
        restoreBestWeights: earlyStopping.restoreBestWeights,
        bestEpoch: stopping.bestEpoch,
        best: stopping.best,
        epochsRun: lastEpochDone,
        maxEpochs: config.train.epochs,
        converged: stopping.stoppedEpoch !== null,
        stoppedEpoch: stopping.stoppedEpoch,
        weightsEpoch: restored ? stopping.bestEpoch! : lastEpochDone,
        ...(finalTest ? { test: finalTest } : {}),
      };
    }
  } finally {
    interval.dispose();
    gridInputs.dispose();
    histogramInputs.dispose();
    priorCodes?.dispose();
    for (const optimizer of Object.values(optimizers)) optimizer?.dispose();
    best?.dispose();
    variant.dispose();
    progress.close();
  }
  return result;
}
