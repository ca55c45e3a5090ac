import type * as tf from "@tensorflow/tfjs";
import type { RunConfig } from "../../config/schema.js";
import type { Dataset, Split } from "../../data/index.js";
import type { Variant } from "../../models/index.js";
import type { SummaryWriter } from "../../tensorboard/index.js";
import type { Evaluation } from "../evaluate.js";
import type { EpochSummary, TrainResult } from "../result.js";

/**
 * What every hook of a run sees: the run's parts (read-only) and the two things an observer may ask of
 * the loop, a line for the user and the end of training.
 */
export interface TrainContext {
  readonly config: RunConfig;
  readonly dataset: Dataset;
  /** The networks being trained, with their live weights. */
  readonly variant: Variant;
  readonly writer: SummaryWriter;
  /** The test split as it is evaluated: binarized once, so every epoch is judged on the same pixels. */
  readonly test: Split;
  /** The held-out validation split (data.validation > 0), binarized the same way. */
  readonly validation?: Split;
  readonly stepsPerEpoch: number;
  /** The config file, for errors that should name it. */
  readonly configOrigin?: string;
  /** A line for the user, through the run's progress display. */
  message(line: string): void;
  /**
   * Ends training after the current epoch, as a finished run (not an interrupted one). Asked before the
   * epoch's test evaluation (up to onValidationEnd), the epoch is evaluated as the last one: with test
   * nll, image grids, and the final checkpoint. Asked in onTrainStart, no epoch is trained.
   */
  requestStop(): void;
  readonly stopRequested: boolean;
}

export interface TrainStart {
  /** Steps already done: 0, or where a resumed run continues. */
  step: number;
  /** The epoch training continues with (1 for a new run). */
  epoch: number;
  resumed: boolean;
}

export interface EpochStart {
  epoch: number;
  /** Steps done before this epoch (or before its resumed part). */
  step: number;
}

export interface StepEnd {
  epoch: number;
  /** Steps done, this one included: the step its logs are written at. */
  step: number;
  stepInEpoch: number;
  /**
   * The training scalars' means since the last log, as written (without their train/ section), on the
   * steps that write them: every log.every steps, an epoch's last step, and an interrupted one.
   */
  logs?: ReadonlyMap<string, number>;
}

export interface ValidationEnd {
  /** 0: the untrained networks, before the first epoch of a new run. */
  epoch: number;
  step: number;
  /** The epoch's training means (empty for epoch 0). */
  train: Record<string, number>;
  /** Absent without a validation split. */
  validation?: Evaluation;
  /** Adds a remark to this epoch's summary line. */
  note(text: string): void;
}

export interface EpochEnd {
  epoch: number;
  step: number;
  /** The epoch as run.json records it (TrainResult.epochs' last entry). */
  summary: EpochSummary;
  test: Evaluation;
  validation?: Evaluation;
  /** The run ends with this epoch (train.epochs reached, or a stop requested in time). */
  final: boolean;
  /** Stopped part-way (Ctrl-C): neither validated nor final; a resumed run trains it again from where it stopped. */
  interrupted: boolean;
  /** Remarks added in onValidationEnd. */
  notes: readonly string[];
}

export interface TrainEnd {
  /** What trainLoop returns; an observer may add to it (as Keras' History callback is what fit returns). */
  result: TrainResult;
  /** Whole epochs trained in all, across resumes. */
  epochsRun: number;
  /**
   * Test-split scalars of the weights the run ends with (after a restore of kept weights); absent when
   * no epoch ended the run in this call (interrupted, or nothing left to train).
   */
  test?: Record<string, number>;
}

/**
 * An observer's state in the checkpoint, so a resumed run continues as an uninterrupted one would.
 * `save` returns plain JSON, stored under the observer's name; `restore` gets it back, or undefined from
 * a checkpoint written without it.
 */
export interface ObserverState {
  save(): unknown;
  restore(saved: unknown): void;
}

/**
 * A second set of the networks' weights an observer keeps and the run may end with (early stopping's
 * best epoch). The checkpoint holds both sets, in the layout `checkpointModels` gives.
 */
export interface KeptWeights {
  /** Networks to save or load; `restored`: the layout once the kept weights are the run's result. */
  checkpointModels(restored: boolean): Record<string, tf.LayersModel>;
  /** The epoch whose weights are kept; null while there are none. */
  keptEpoch(): number | null;
  /** Puts the kept weights into the live networks. */
  restore(): void;
}

type Awaitable = void | Promise<void>;

/**
 * Hooks into the training loop, as Keras' and Lightning's callbacks and pythae's: each is optional and
 * may be async; the loop awaits them in the order the observers were given, built-in ones first.
 * Order within an epoch: onEpochStart, onStepEnd per step, onValidationEnd, then (after the test
 * evaluation) onEpochEnd, then the checkpoint.
 */
export interface Observer {
  /** Unique in a run; also the key of its state in the checkpoint. */
  readonly name: string;
  /** Once the networks are built, before any evaluation or resume: make what the observer needs. */
  setup?(ctx: TrainContext): Awaitable;
  /** After the untrained networks' evaluation (new run) or the restore (resumed run). */
  onTrainStart?(event: TrainStart, ctx: TrainContext): Awaitable;
  onEpochStart?(event: EpochStart, ctx: TrainContext): Awaitable;
  onStepEnd?(event: StepEnd, ctx: TrainContext): Awaitable;
  /**
   * After each whole epoch's validation (also without a validation split), and at epoch 0 for a new run's
   * untrained networks: where to decide to stop.
   */
  onValidationEnd?(event: ValidationEnd, ctx: TrainContext): Awaitable;
  onEpochEnd?(event: EpochEnd, ctx: TrainContext): Awaitable;
  /** When training ends without an error (finished, stopped early or interrupted). */
  onTrainEnd?(event: TrainEnd, ctx: TrainContext): Awaitable;
  /** Always, last, even after an error or before setup: free what the observer holds (tensors, a bar). */
  close?(): Awaitable;
  readonly state?: ObserverState;
  /** Asked once after setup. At most one observer of a run may keep weights. */
  keptWeights?(): KeptWeights | undefined;
}

type Hook = "onTrainStart" | "onEpochStart" | "onStepEnd" | "onValidationEnd" | "onEpochEnd" | "onTrainEnd";
type EventOf<H extends Hook> = Parameters<NonNullable<Observer[H]>>[0];

/** The keys a checkpoint position has of its own, which no observer's state may take. */
const POSITION_KEYS: readonly string[] = ["epoch", "batchesDone", "step", "noiseState", "signals", "restored"];

/** A run's observers, called in order. */
export class Observers {
  private ctx?: TrainContext;

  constructor(readonly list: readonly Observer[]) {
    const names = new Set<string>();
    for (const { name, state } of list) {
      if (names.has(name)) throw new Error(`two observers are named ${name}: names must be unique in a run`);
      if (state && POSITION_KEYS.includes(name)) throw new Error(`observer ${name}: its state would overwrite the checkpoint's ${name}; choose another name`);
      names.add(name);
    }
  }

  /** Gives every observer the run (once the networks exist), then the hooks can be emitted. */
  async setup(ctx: TrainContext): Promise<void> {
    this.ctx = ctx;
    for (const observer of this.list) await observer.setup?.(ctx);
  }

  async emit<H extends Hook>(hook: H, event: EventOf<H>): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) throw new Error(`observers: ${hook} before setup`);
    for (const observer of this.list) await observer[hook]?.(event as never, ctx);
  }

  keptWeights(): KeptWeights | undefined {
    const kept = this.list.flatMap((o) => {
      const weights = o.keptWeights?.();
      return weights ? [{ name: o.name, weights }] : [];
    });
    if (kept.length > 1) throw new Error(`observers ${kept.map((k) => k.name).join(" and ")} both keep weights; a checkpoint holds one kept set`);
    return kept[0]?.weights;
  }

  /** Each stateful observer's state by name, in observer order. */
  saveState(): Record<string, unknown> {
    return Object.fromEntries(this.list.flatMap((o) => (o.state ? [[o.name, o.state.save()]] : [])));
  }

  restoreState(saved: Record<string, unknown>): void {
    for (const o of this.list) o.state?.restore(saved[o.name]);
  }

  /** Closes every observer; returns the first error rather than throwing, so the rest still close. */
  async close(): Promise<unknown> {
    let first: unknown;
    for (const observer of this.list) {
      try {
        await observer.close?.();
      } catch (error) {
        first ??= error;
      }
    }
    return first;
  }
}
