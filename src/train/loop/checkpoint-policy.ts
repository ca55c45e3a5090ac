import type * as tf from "@tensorflow/tfjs";
import type { Variant } from "../../models/index.js";
import type { RngState } from "../../random/rng.js";
import { loadCheckpoint, saveCheckpoint } from "../../checkpoint/index.js";
import type { KeptWeights, Observers } from "../observers/observer.js";
import type { Optimizers } from "../optimizers.js";
import type { EpochOutcome } from "./epoch.js";

/** Where the loop stands: the epoch in progress (1-based) and how many of its batches are done. */
export interface LoopPosition {
  epoch: number;
  batchesDone: number;
  step: number;
  /** The epoch's noise stream, for a save part-way through an epoch. */
  noiseState?: RngState;
  /** The latest gate signals (StepState). */
  signals: Array<[string, number]>;
}

/**
 * What a checkpoint stores as its position, so a resumed run continues bit for bit: the loop's own
 * fields, each stateful observer's state under its name (early stopping's as `earlyStopping`), and
 * `restored` on a run's final save: the checkpoint then holds the kept weights as the networks (see
 * BestWeights).
 */
type SavedPosition = LoopPosition & { restored?: boolean } & Record<string, unknown>;

/**
 * The checkpoint policy: what a save holds (networks, optimizers, variables, the position with the
 * observers' states) and when the loop saves. Without a folder nothing is saved.
 */
export class Checkpoints {
  constructor(
    private readonly dir: string | undefined,
    private readonly parts: { variant: Variant; optimizers: Optimizers; observers: Observers; kept?: KeptWeights },
    private readonly every: number,
  ) {}

  private models(restored: boolean): Record<string, tf.LayersModel> {
    return this.parts.kept?.checkpointModels(restored) ?? (this.parts.variant.networks as Record<string, tf.LayersModel>);
  }

  private get optimizers(): Record<string, tf.Optimizer> {
    return this.parts.optimizers as Record<string, tf.Optimizer>;
  }

  /**
   * The save after an epoch: an interrupted one where it stopped (with its noise stream); the run's last
   * (`ending`) in the layout of its kept weights, which then go into the live networks, so the checkpoint
   * and the run end with the same weights; any other every train.checkpointEvery epochs, and when Ctrl-C
   * came with its last step (the run then stops there, to be resumed).
   */
  async afterEpoch(
    epoch: number,
    step: number,
    signals: Array<[string, number]>,
    trained: EpochOutcome,
    ending: boolean,
  ): Promise<{ restoredEpoch: number | null; stopAtEpochEnd: boolean }> {
    if (trained.interrupted) {
      await this.save({ epoch, batchesDone: trained.batchesDone, step, noiseState: trained.noiseState, signals });
      return { restoredEpoch: null, stopAtEpochEnd: false };
    }
    const next: LoopPosition = { epoch: epoch + 1, batchesDone: 0, step, signals };
    if (ending) {
      const kept = this.parts.kept;
      const restoring = kept !== undefined && kept.keptEpoch() !== null;
      await this.save(next, restoring);
      if (!restoring) return { restoredEpoch: null, stopAtEpochEnd: false };
      kept.restore();
      return { restoredEpoch: kept.keptEpoch(), stopAtEpochEnd: false };
    }
    if (trained.stopAsked || (this.every > 0 && epoch % this.every === 0)) await this.save(next);
    return { restoredEpoch: null, stopAtEpochEnd: trained.stopAsked };
  }

  /** `restored` is given on a run's final save only: whether the kept weights are its result. */
  private async save(at: LoopPosition, restored?: boolean): Promise<void> {
    if (!this.dir) return;
    const position: SavedPosition = { ...at, ...this.parts.observers.saveState(), ...(restored === undefined ? {} : { restored }) };
    await saveCheckpoint(this.dir, {
      models: this.models(Boolean(restored)),
      optimizers: this.optimizers,
      variables: this.parts.variant.state,
      state: { epoch: at.epoch, step: at.step, extra: { position } },
    });
  }

  /** Loads the networks, optimizers and variables, gives each observer its state back, and returns where to continue. */
  async load(): Promise<LoopPosition> {
    if (!this.dir) throw new Error("trainLoop: resume needs checkpointDir");
    // The position says which layout the networks were saved in, so it is read before the weights.
    const saved = (await loadCheckpoint(this.dir, { models: {}, optimizers: {} })).extra as { position: SavedPosition };
    const state = await loadCheckpoint(this.dir, {
      models: this.models(Boolean(saved.position.restored)),
      optimizers: this.optimizers,
      variables: this.parts.variant.state,
    });
    const position = (state.extra as { position: SavedPosition }).position;
    this.parts.observers.restoreState(position);
    const { epoch, batchesDone, step, noiseState, signals } = position;
    return { epoch, batchesDone, step, noiseState, signals };
  }
}
