import { ConfigError } from "../../config/errors.js";
import { buildVariant } from "../../models/index.js";
import { streamFor } from "../../random/rng.js";
import { BestWeights } from "../best-weights.js";
import { initialEarlyStopping, monitorTag, observeEpoch, type EarlyStoppingSpec, type EarlyStoppingState } from "../early-stopping.js";
import { formatNumber } from "../progress.js";
import type { EpochEnd, KeptWeights, Observer, ObserverState, TrainContext, TrainStart, ValidationEnd } from "./observer.js";

/**
 * train.earlyStopping: judges each epoch's monitored validation scalar (observeEpoch), asks the loop to
 * stop when patience runs out, and keeps the best epoch's weights (restoreBestWeights) for the loop to
 * end with. Present in every run, inert without train.earlyStopping, so that its state has the same
 * place in every checkpoint (`earlyStopping`), as in those written before the loop had observers.
 */
export class EarlyStoppingObserver implements Observer {
  readonly name = "earlyStopping";
  private current: EarlyStoppingState = initialEarlyStopping;
  private settings?: { spec: EarlyStoppingSpec; monitor: string; startFromEpoch: number };
  private best?: BestWeights;

  readonly state: ObserverState = {
    save: () => this.current,
    restore: (saved) => {
      this.current = (saved as EarlyStoppingState | undefined) ?? initialEarlyStopping;
    },
  };

  /** The rule as applied (absent without train.earlyStopping); startFromEpoch includes the adversarial warm-up. */
  get applied(): { spec: EarlyStoppingSpec; monitor: string; startFromEpoch: number } | undefined {
    return this.settings;
  }

  get stopping(): EarlyStoppingState {
    return this.current;
  }

  get keepsBest(): boolean {
    return this.best !== undefined;
  }

  setup(ctx: TrainContext): void {
    const spec = ctx.config.train.earlyStopping;
    if (!spec) return;
    const { config, dataset, variant } = ctx;
    if (spec.restoreBestWeights) {
      const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
      this.best = new BestWeights(variant, buildVariant(config, shape, streamFor(config.seed, "weights")));
    }
    // Epochs wholly inside the adversarial warm-up (adversarial.start) are not judged either: their weights
    // never met the adversarial term, and judging them made a GAN run's best epoch one from before its GAN
    // switched on (measured: start at step 300, stopped at epoch 8 with the best at epoch 5).
    const startFromEpoch = Math.max(spec.startFromEpoch, Math.floor(config.adversarial.start / ctx.stepsPerEpoch));
    this.settings = { spec, monitor: monitorTag(spec, variant.phases[0].name), startFromEpoch };
  }

  keptWeights(): KeptWeights | undefined {
    const best = this.best;
    if (!best) return undefined;
    return {
      checkpointModels: (restored) => best.checkpointModels(restored),
      keptEpoch: () => this.current.bestEpoch,
      restore: () => best.restore(),
    };
  }

  onTrainStart(_event: TrainStart, ctx: TrainContext): void {
    if (this.current.stoppedEpoch === null) return;
    ctx.message(`early stopping ended this run after epoch ${this.current.stoppedEpoch}; nothing to resume`);
    ctx.requestStop();
  }

  onValidationEnd(event: ValidationEnd, ctx: TrainContext): void {
    if (!this.settings || !event.validation) return;
    const { spec, monitor, startFromEpoch } = this.settings;
    // Read at epoch 0 too: a monitor the variant does not log is a config error, found before any training.
    const value = this.monitored(event.validation.scalars, ctx);
    if (event.epoch === 0) return;
    const decision = observeEpoch({ ...spec, startFromEpoch }, this.current, event.epoch, value);
    this.current = decision.state;
    if (decision.improved) this.best?.snapshot();
    if (decision.stop) ctx.requestStop();
    const verdict = decision.improved ? " (best)" : event.epoch > startFromEpoch ? ` (${this.current.wait}/${spec.patience} without improvement)` : "";
    event.note(`${monitor} ${formatNumber(value)}${verdict}`);
  }

  onEpochEnd(event: EpochEnd, ctx: TrainContext): void {
    if (!this.settings || this.current.stoppedEpoch !== event.epoch) return;
    const { spec, monitor } = this.settings;
    ctx.message(
      `early stopping: ${monitor} has not improved by more than minDelta ${spec.minDelta} + minRelativeDelta ${spec.minRelativeDelta} x |best| for ${spec.patience} epochs; best ${formatNumber(this.current.best!)} at epoch ${this.current.bestEpoch}`,
    );
  }

  close(): void {
    this.best?.dispose();
  }

  private monitored(scalars: Record<string, number>, ctx: TrainContext): number {
    const monitor = this.settings!.monitor;
    const value = scalars[monitor.slice("validation/".length)];
    if (value === undefined) {
      const known = Object.keys(scalars)
        .map((tag) => `validation/${tag}`)
        .join(", ");
      throw new ConfigError(
        `config error${ctx.configOrigin ? ` in ${ctx.configOrigin}` : ""}: train.earlyStopping.monitor "${monitor}" is not logged by variant ${ctx.config.model.variant}; it logs ${known}`,
      );
    }
    return value;
  }
}
