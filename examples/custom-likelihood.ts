// A likelihood of one's own, registered by name from this file and then named in the config like a
// built-in one (`model.recon: huber`), for any variant that trains on a likelihood.
//
//   node --import tsx examples/custom-likelihood.ts        (then: tensorboard --logdir runs/examples)
//
import * as tf from "@tensorflow/tfjs";
import { pathToFileURL } from "node:url";
import { progressFor, registerLikelihood, registeredLikelihood, sumPerExample, train, type TrainOptions, type Trained } from "aelab";

/** Where the Huber loss turns from quadratic to linear, in intensity units. */
export const HUBER_DELTA = 0.2;

/**
 * Twice the Huber loss of the mean sigmoid(logits) against the targets, summed over pixels: the squared
 * error (aelab's mse) for errors up to HUBER_DELTA, growing linearly beyond, so a few badly reconstructed
 * pixels weigh less than under mse. Not a normalised density (so no test nll): properDensity is left out.
 */
export function huberPerExample(logits: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const error = tf.abs(tf.sub(tf.sigmoid(logits), target));
    const quadratic = tf.minimum(error, HUBER_DELTA);
    const linear = tf.sub(error, quadratic);
    const perPixel = tf.add(tf.square(quadratic), tf.mul(2 * HUBER_DELTA, linear));
    return sumPerExample(perPixel);
  });
}

/** Registers `huber` once per process (a second registration of a name is an error). */
export function registerHuber(): void {
  if (!registeredLikelihood("huber")) registerLikelihood("huber", { nllPerExample: huberPerExample });
}

/** A small VAE on the embedded digits that reconstructs under the Huber loss; `config` replaces whole sections. */
export function run({ config: sections, ...options }: { config?: Record<string, unknown> } & TrainOptions = {}): Promise<Trained> {
  registerHuber();
  const config = {
    data: { source: "mnist", trainLimit: 2048, testLimit: 512 },
    model: { variant: "vae", recon: "huber", encoder: { type: "mlp", hidden: [256] }, decoder: { type: "mlp", hidden: [256] }, latent: { size: 8 } },
    train: { epochs: 5, batchSize: 64 },
    ...sections,
  };
  return train(config, options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { result, dir } = await run({ logdir: "runs/examples", name: "custom-likelihood", progress: progressFor() });
  const last = result.epochs.at(-1)!;
  console.log(`test autoencoder/recon (huber) ${last.test["autoencoder/recon"].toFixed(3)}, mse ${last.test.mse.toFixed(3)}; run in ${dir}`);
  // The wasm backend keeps handles open.
  process.exit(0);
}
