import * as tf from "@tensorflow/tfjs";
import { firstImages } from "../image-grids.js";
import { imagesDue } from "./images.js";
import type { EpochEnd, Observer, TrainContext, TrainStart } from "./observer.js";

/** Test images whose intensities (and codes) are logged as histograms; enough pixels for smooth shapes. */
const HISTOGRAM_IMAGES = 256;

/**
 * Input and output intensities on one fixed [0, 1] bucketing, side by side, so a pull of the outputs
 * toward 0.5 (or away from it) shows at a glance; and the codes of the same images. Logged with the
 * image grids.
 */
export class HistogramsObserver implements Observer {
  readonly name = "histograms";
  private inputs?: tf.Tensor4D;

  setup(ctx: TrainContext): void {
    this.inputs = firstImages(ctx.test, HISTOGRAM_IMAGES, ctx.dataset);
  }

  async onTrainStart(event: TrainStart, ctx: TrainContext): Promise<void> {
    if (!event.resumed) await this.log(ctx, 0);
  }

  async onEpochEnd(event: EpochEnd, ctx: TrainContext): Promise<void> {
    if (imagesDue(event, ctx)) await this.log(ctx, event.step);
  }

  private async log({ variant, writer, dataset }: TrainContext, step: number): Promise<void> {
    const inputs = this.inputs!;
    const [output, code] = tf.tidy(() => [tf.sigmoid(variant.reconstructLogits(inputs)), variant.encode(inputs).embedding]);
    try {
      const [inputValues, outputValues, codeValues] = await Promise.all([inputs.data(), output.data(), code.data()]);
      writer.histogram("intensity/input", inputValues as Float32Array, step, { range: [0, 1] });
      writer.histogram("intensity/output", outputValues as Float32Array, step, { range: [0, 1] });
      // Colour: each channel on its own too, so a shift of one colour toward grey is not averaged away.
      if (dataset.channels === 3) {
        for (const [c, name] of ["red", "green", "blue"].entries()) {
          writer.histogram(`intensity/input_${name}`, channel(inputValues as Float32Array, c, 3), step, { range: [0, 1] });
          writer.histogram(`intensity/output_${name}`, channel(outputValues as Float32Array, c, 3), step, { range: [0, 1] });
        }
      }
      writer.histogram("latent/code", codeValues as Float32Array, step);
    } finally {
      tf.dispose([output, code]);
    }
  }

  close(): void {
    this.inputs?.dispose();
  }
}

function channel(values: Float32Array, c: number, channels: number): Float32Array {
  const out = new Float32Array(values.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = values[i * channels + c];
  return out;
}
