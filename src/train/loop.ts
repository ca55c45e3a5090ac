import type { RunConfig } from "../config/schema.js";
import { binarize, type Dataset, type Split } from "../data/index.js";
import { gatherSplit, validationIndices } from "../data/validation-split.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { featureCacheDir } from "../features/cache-dir.js";
import { loadPerceptualNetwork } from "../features/perceptual-network.js";
import { buildVariant } from "../models/index.js";
import { streamFor } from "../random/rng.js";
import type { SummaryWriter } from "../tensorboard/index.js";
import { ScalarAccumulator } from "./accumulator.js";
import type { Evaluation } from "./evaluate.js";
import { Checkpoints, type LoopPosition } from "./loop/checkpoint-policy.js";
import { trainEpoch, type EpochOutcome, type Training } from "./loop/epoch.js";
import { Evaluator } from "./loop/evaluation.js";
import { builtInObservers } from "./observers/index.js";
import { Observers, type Observer, type TrainContext } from "./observers/observer.js";
import { buildOptimizers } from "./optimizers.js";
import { silentProgress, type Progress } from "./progress.js";
import type { EpochSummary, TrainResult } from "./result.js";
import { phaseRunners } from "./step.js";

export { NonFiniteLossError } from "./loop/nan-guard.js";
export type { EpochSummary, TrainResult } from "./result.js";

export interface LoopOptions {
  config: RunConfig;
  dataset: Dataset;
  writer: SummaryWriter;
  progress?: Progress;
  /** Called after the built-in ones (images, histograms, progress, early stopping, convergence record), in this order. */
  observers?: readonly Observer[];
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
  /** Where `model.perceptual`'s feature network is trained once and kept (default featureCacheDir of the system's temporary folder). */
  featureCache?: string;
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

/** A run as the loop drives it: what every epoch trains with, and what it is evaluated on. */
interface Run extends Training {
  readonly ctx: TrainContext;
  readonly evaluator: Evaluator;
  readonly testSplit: Split;
  readonly validationSplit?: Split;
  readonly checkpoints: Checkpoints;
}

/** A new run's step 0 (the untrained networks, the baseline every curve starts from), or a resumed run's position. */
async function start(run: Run, resume: boolean, result: TrainResult): Promise<LoopPosition> {
  if (resume) {
    const position = await run.checkpoints.load();
    run.ctx.message(`resuming at step ${position.step} (epoch ${position.epoch}, ${position.batchesDone} of its batches done)`);
    return position;
  }
  result.initialTest = (await run.evaluator.testAndLog(run.testSplit, 0, 0)).scalars;
  const validation = run.validationSplit ? await run.evaluator.validateAndLog(run.validationSplit, 0, 0) : undefined;
  if (validation) result.initialValidation = validation.scalars;
  await run.observers.emit("onValidationEnd", { epoch: 0, step: 0, train: {}, ...(validation ? { validation } : {}), note: () => {} });
  return { epoch: 1, batchesDone: 0, step: 0, signals: [] };
}

/**
 * An epoch's evaluations and its record: validation, then the observers' say on whether it is the last
 * (onValidationEnd), then the test split (with nll if it is), then onEpochEnd. A part-trained epoch
 * (interrupted) is neither validated nor judged: the resumed run redoes it whole.
 */
async function evaluateEpoch(run: Run, epoch: number, trained: EpochOutcome): Promise<{ summary: EpochSummary; test: Evaluation; final: boolean }> {
  const { interrupted } = trained;
  const validation = run.validationSplit && !interrupted ? await run.evaluator.validateAndLog(run.validationSplit, run.step, epoch) : undefined;
  const notes: string[] = [];
  if (!interrupted)
    await run.observers.emit("onValidationEnd", {
      epoch,
      step: run.step,
      train: trained.train,
      ...(validation ? { validation } : {}),
      note: (text) => notes.push(text),
    });
  const final = !interrupted && (run.ctx.stopRequested || epoch === run.config.train.epochs);

  const test = await run.evaluator.testAndLog(run.testSplit, run.step, epoch, final);
  const imagesPerSecond = trained.examples / trained.trainSeconds;
  run.writer.scalar("perf/train_images_per_second", imagesPerSecond, run.step);
  const summary: EpochSummary = {
    epoch,
    step: run.step,
    train: trained.train,
    ...(validation ? { validation: validation.scalars } : {}),
    test: test.scalars,
    activeUnits: test.activeUnits,
    trainSeconds: trained.trainSeconds,
    imagesPerSecond,
  };
  await run.observers.emit("onEpochEnd", { epoch, step: run.step, summary, test, ...(validation ? { validation } : {}), final, interrupted, notes });
  return { summary, test, final };
}

/**
 * The one training loop. It knows nothing about AE, VAE, AAE or VAE-GAN: it builds the variant named in
 * the config and runs its phases on every batch (trainEpoch), evaluates on the validation and test
 * splits after each epoch (Evaluator), and checkpoints so that an interrupted run can continue exactly
 * (Checkpoints); it stops on a NaN loss and between steps on Ctrl-C. Everything else it does through
 * observers: image grids, histograms, progress, early stopping, the convergence record, and the caller's.
 */
export async function trainLoop(options: LoopOptions): Promise<TrainResult> {
  const { config, dataset, writer } = options;
  const progress = options.progress ?? silentProgress;
  const observers = new Observers([...builtInObservers(progress), ...(options.observers ?? [])]);
  const { seed } = config;
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };

  const perceptualNetwork = await loadPerceptualNetwork(config, dataset, options.featureCache ?? featureCacheDir(join(tmpdir(), "aelab")), (line) =>
    progress.message(line),
  );
  const variant = buildVariant(config, shape, streamFor(seed, "weights"), { perceptualNetwork });
  const optimizers = buildOptimizers(variant, config.train);
  const { trainIndices, validation: validationSplit } = validationData(config, dataset.train);
  const trainCount = trainIndices?.length ?? dataset.train.count;
  const testSplit: Split = {
    ...dataset.test,
    images: binarize(dataset.test.images, config.data.binarize, streamFor(seed, "test-binarize"), config.data.threshold),
  };
  const stepsPerEpoch = Math.ceil(trainCount / config.train.batchSize);
  let stopRequested = false;
  const ctx: TrainContext = {
    config,
    dataset,
    variant,
    writer,
    test: testSplit,
    validation: validationSplit,
    stepsPerEpoch,
    configOrigin: options.configOrigin,
    message: (line) => progress.message(line),
    requestStop: () => {
      stopRequested = true;
    },
    get stopRequested() {
      return stopRequested;
    },
  };
  const interval = new ScalarAccumulator();
  const result: TrainResult = { initialTest: {}, initialValidation: {}, epochs: [], steps: 0, stopped: false };
  let finished = false;
  try {
    await observers.setup(ctx);
    const run: Run = {
      config,
      dataset,
      shape,
      variant,
      runners: phaseRunners(variant),
      optimizers,
      trainIndices,
      trainCount,
      stepsPerEpoch,
      stepState: { signals: new Map() },
      interval,
      writer,
      observers,
      clock: options.clock ?? (() => performance.now()),
      shouldStop: options.shouldStop ?? (() => false),
      step: 0,
      ctx,
      evaluator: new Evaluator(variant, config, shape, writer),
      testSplit,
      validationSplit,
      checkpoints: new Checkpoints(options.checkpointDir, { variant, optimizers, observers, kept: observers.keptWeights() }, config.train.checkpointEvery),
    };
    const position = await start(run, Boolean(options.resume), result);
    run.step = position.step;
    for (const [name, value] of position.signals) run.stepState.signals.set(name, value);
    let epochsRun = position.epoch - 1;
    await observers.emit("onTrainStart", { step: run.step, epoch: position.epoch, resumed: Boolean(options.resume) });

    /** Test-split scalars of the weights the run ends with; set once an epoch ends it. */
    let finalTest: Record<string, number> | undefined;
    for (let epoch = position.epoch; epoch <= config.train.epochs && !result.stopped && !stopRequested; epoch++) {
      const resumingMidEpoch = epoch === position.epoch && position.batchesDone > 0;
      const trained = await trainEpoch(run, epoch, resumingMidEpoch ? position : undefined);
      result.stopped = trained.interrupted;
      result.steps = run.step;
      if (!trained.interrupted) epochsRun = epoch;
      const { summary, test, final } = await evaluateEpoch(run, epoch, trained);
      result.epochs.push(summary);

      // A stop an observer asked for as late as onEpochEnd still ends the run with its final save.
      const ending = !trained.interrupted && (final || stopRequested);
      const saved = await run.checkpoints.afterEpoch(epoch, run.step, [...run.stepState.signals], trained, ending);
      if (ending) {
        // The weights the run ends with, on the test split; a second evaluation only if they are not this epoch's.
        finalTest =
          saved.restoredEpoch === null || saved.restoredEpoch === epoch ? test.scalars : (await run.evaluator.test(testSplit, run.step, epoch, true)).scalars;
      }
      if (saved.stopAtEpochEnd) result.stopped = true;
    }
    result.steps = run.step;
    await observers.emit("onTrainEnd", { result, epochsRun, ...(finalTest ? { test: finalTest } : {}) });
    finished = true;
  } finally {
    const closing = await observers.close();
    interval.dispose();
    for (const optimizer of Object.values(optimizers)) optimizer?.dispose();
    variant.dispose();
    perceptualNetwork?.dispose();
    // An observer that fails to close is reported only where training itself did not fail.
    // biome-ignore lint/correctness/noUnsafeFinally: thrown only when the try block finished, so it masks no error
    if (finished && closing !== undefined) throw closing;
  }
  return result;
}
