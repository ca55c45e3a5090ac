import * as tf from "@tensorflow/tfjs";
import { streamFor } from "../../random/rng.js";
import { firstImages, imageBatch, interleavedRows, likelihoodGrids } from "../image-grids.js";
import { seededNoise } from "../noise.js";
import type { EpochEnd, Observer, TrainContext, TrainStart } from "./observer.js";

/** Each image grid holds this many images per row. */
export const GRID_COLUMNS = 8;

/** Image grids (and histograms) every log.imagesEvery epochs, after the last, and where a run was interrupted. */
export function imagesDue(event: EpochEnd, ctx: TrainContext): boolean {
  return event.epoch % ctx.config.log.imagesEvery === 0 || event.final || event.interrupted;
}

/**
 * The first log.images test images over their reconstructions (and, for cbernoulli, over λ), and as
 * many samples from the prior, at step 0 and then as imagesDue says.
 */
export class ImagesObserver implements Observer {
  readonly name = "images";
  private inputs?: tf.Tensor4D;
  /** Fixed codes, so every grid of prior samples decodes the same points. */
  private priorCodes?: tf.Tensor2D;

  setup(ctx: TrainContext): void {
    this.inputs = firstImages(ctx.test, ctx.config.log.images, ctx.dataset);
    this.priorCodes = ctx.variant.prior?.sample(this.inputs.shape[0], seededNoise(streamFor(ctx.config.seed, "prior-grid")));
  }

  async onTrainStart(event: TrainStart, ctx: TrainContext): Promise<void> {
    if (!event.resumed) await this.log(ctx, 0);
  }

  async onEpochEnd(event: EpochEnd, ctx: TrainContext): Promise<void> {
    if (imagesDue(event, ctx)) await this.log(ctx, event.step);
  }

  private async log({ variant, writer, dataset }: TrainContext, step: number): Promise<void> {
    const inputs = this.inputs!;
    const reconstructions = tf.tidy(() => tf.sigmoid(variant.reconstructLogits(inputs)) as tf.Tensor4D);
    const grid = await interleavedRows(inputs, reconstructions, GRID_COLUMNS, dataset);
    reconstructions.dispose();
    await writer.images("images/reconstruction", grid, step, GRID_COLUMNS);
    for (const extra of await likelihoodGrids(variant, inputs, GRID_COLUMNS, dataset)) await writer.images(extra.tag, extra.batch, step, GRID_COLUMNS);
    if (this.priorCodes) {
      const samples = variant.generate(this.priorCodes);
      const batch = await imageBatch(samples, dataset);
      samples.dispose();
      await writer.images("images/prior_samples", batch, step, GRID_COLUMNS);
    }
  }

  close(): void {
    this.inputs?.dispose();
    this.priorCodes?.dispose();
  }
}
