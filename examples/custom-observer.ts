// Two observers of one's own: one logs an extra curve to TensorBoard, one ends training on a condition
// early stopping cannot express (a target value rather than a plateau).
//
//   node --import tsx examples/custom-observer.ts        (then: tensorboard --logdir runs/examples)
//
import * as tf from "@tensorflow/tfjs";
import { pathToFileURL } from "node:url";
import { progressFor, train, type Observer, type TrainOptions, type Trained } from "aelab";

/**
 * The decoder's global weight norm as `extra/decoder_weight_norm`, on the steps that log the training
 * losses, so the two curves share their x axis. It only reads weights: training is the same bit for bit.
 */
export function decoderWeightNorm(): Observer {
  return {
    name: "decoder-weight-norm",
    async onStepEnd(event, ctx) {
      if (!event.logs) return;
      const decoder = ctx.variant.networks.decoder!;
      const norm = tf.tidy(() => tf.sqrt(tf.addN(decoder.trainableWeights.map((w) => tf.sum(tf.square(w.read()))))));
      const [value] = await norm.data();
      norm.dispose();
      ctx.writer.scalar("extra/decoder_weight_norm", value, event.step);
    },
  };
}

/**
 * Ends training after the first epoch whose mean `tag` is below `target`: the validation mean where the
 * run holds out a validation split, else the epoch's training mean. Asked in onValidationEnd, so that
 * epoch is the run's last in every respect (test nll, image grids, the final checkpoint).
 */
export function stopBelow(tag: string, target: number): Observer {
  return {
    name: "stop-below",
    onValidationEnd(event, ctx) {
      if (event.epoch === 0) return;
      const value = event.validation?.scalars[tag] ?? event.train[tag];
      if (value === undefined) throw new Error(`stopBelow: this run logs no ${tag}`);
      if (value >= target) return;
      ctx.message(`stop-below: ${tag} ${value.toFixed(2)} < ${target} after epoch ${event.epoch}`);
      ctx.requestStop();
    },
  };
}

/** A small VAE on the embedded digits, stopped once its validation loss is below `target`; `config` replaces whole sections. */
export function run({
  config: sections,
  target = 150,
  ...options
}: { config?: Record<string, unknown>; target?: number } & TrainOptions = {}): Promise<Trained> {
  const config = {
    data: { source: "mnist", trainLimit: 2048, testLimit: 512, validation: 0.1 },
    model: { variant: "vae", recon: "bce", encoder: { type: "mlp", hidden: [256] }, decoder: { type: "mlp", hidden: [256] }, latent: { size: 8 } },
    train: { epochs: 20, batchSize: 64 },
    log: { every: 8 },
    ...sections,
  };
  return train(config, { ...options, observers: [decoderWeightNorm(), stopBelow("autoencoder/loss", target), ...(options.observers ?? [])] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { result, dir } = await run({ logdir: "runs/examples", name: "custom-observer", progress: progressFor() });
  console.log(`${result.epochs.length} epochs, ${result.steps} steps; extra/decoder_weight_norm is in ${dir}`);
  // The wasm backend keeps handles open.
  process.exit(0);
}
