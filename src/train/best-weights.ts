import type * as tf from "@tensorflow/tfjs";
import type { NetworkName } from "../config/schema.js";
import type { Variant } from "../models/index.js";

type Networks = Record<string, tf.LayersModel>;

/** Checkpoint network names for the kept best weights while training goes on. */
const BEST_PREFIX = "best-";
/** ...and for the training weights once the best ones are restored (a resume with a higher cap continues from these). */
const LAST_PREFIX = "last-";

/**
 * The best epoch's weights (Keras' restore_best_weights), held in a second build of the same networks.
 * A snapshot shares the tensors' bytes with the live weights (tfjs data is immutable and Adam writes
 * new tensors; the fused native Adam copies a shared variable before writing it in place), so keeping
 * it costs memory only once the live weights move on.
 *
 * In a checkpoint the two sets are laid out so that whatever reads `<network>` (eval, sample, the
 * report) reads the weights the run stands by: during training `<network>` are the live weights and
 * `best-<network>` the kept ones; after the best are restored at the end, `<network>` are the best and
 * `last-<network>` the live ones, against which the optimizer state is stored.
 */
export class BestWeights {
  constructor(
    private readonly live: Variant,
    private readonly kept: Variant,
  ) {}

  private networks(variant: Variant): Array<[NetworkName, tf.LayersModel]> {
    return Object.entries(variant.networks) as Array<[NetworkName, tf.LayersModel]>;
  }

  /** Keeps the live weights as the best. */
  snapshot(): void {
    for (const [name, model] of this.networks(this.live)) this.kept.networks[name]!.setWeights(model.getWeights());
  }

  /** Puts the kept weights into the live networks. */
  restore(): void {
    for (const [name, model] of this.networks(this.kept)) this.live.networks[name]!.setWeights(model.getWeights());
  }

  /** Networks to save or load; `restored`: the layout written once the best weights are the run's result. */
  checkpointModels(restored: boolean): Networks {
    const models: Networks = {};
    for (const [name, model] of this.networks(this.live)) {
      const kept = this.kept.networks[name]!;
      if (restored) {
        models[name] = kept;
        models[`${LAST_PREFIX}${name}`] = model;
      } else {
        models[name] = model;
        models[`${BEST_PREFIX}${name}`] = kept;
      }
    }
    return models;
  }

  dispose(): void {
    this.kept.dispose();
  }
}
