import { formatNumber, type Progress } from "../progress.js";
import type { EpochEnd, EpochStart, Observer, StepEnd, TrainContext } from "./observer.js";

/** The loop's events on a Progress (a bar on a terminal, lines otherwise): steps, and one line per epoch. */
export class ProgressObserver implements Observer {
  readonly name = "progress";
  constructor(private readonly progress: Progress) {}

  onEpochStart(event: EpochStart, ctx: TrainContext): void {
    this.progress.epochStart(event.epoch, ctx.config.train.epochs, ctx.stepsPerEpoch);
  }

  onStepEnd(event: StepEnd): void {
    this.progress.step(event.stepInEpoch, event.logs);
  }

  onEpochEnd(event: EpochEnd, ctx: TrainContext): void {
    const test = Object.entries(event.test.scalars)
      .filter(([tag]) => !tag.startsWith("diagnostics/"))
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join("  ");
    const notes = event.notes.map((note) => `  ${note}`).join("");
    this.progress.epochEnd(
      `epoch ${event.epoch}/${ctx.config.train.epochs}${event.interrupted ? " (stopped)" : ""}: test ${test}  (${Math.round(event.summary.imagesPerSecond)} img/s)${notes}`,
    );
  }

  close(): void {
    this.progress.close();
  }
}
