// A variant of one's own, registered by name from this file and then named in the config like a built-in
// one (`model.variant: dae`): a denoising autoencoder (Vincent et al. 2008), made of aelab's encoder,
// decoder and likelihood and trained by its one loop, with every curve, image grid and checkpoint a
// built-in variant gets.
//
//   node --import tsx examples/custom-variant.ts        (then: tensorboard --logdir runs/examples)
//
import * as tf from "@tensorflow/tfjs";
import { pathToFileURL } from "node:url";
import {
  assembleVariant,
  buildAutoencoder,
  pixelLikelihood,
  progressFor,
  registeredVariant,
  registerVariant,
  train,
  type Noise,
  type Trained,
  type TrainOptions,
  type VariantDefinition,
} from "aelab";

/** The share of pixels the masking noise destroys: Vincent et al.'s ν, 25% one of the levels they ran on MNIST. */
export const DROP = 0.25;

/** x with each pixel set to 0 with probability `drop` (Vincent et al.'s masking noise), drawn from the step's noise. */
export function mask(x: tf.Tensor4D, drop: number, noise: Noise): tf.Tensor4D {
  return tf.tidy(() => tf.mul(x, tf.cast(tf.greaterEqual(noise.uniform(x.shape), drop), "float32")));
}

/**
 * The autoencoder phase reconstructs the clean image from a masked one, under the config's likelihood. The
 * networks are ae's, drawn from `rng` in the same order, so with `drop` 0 this is aelab's ae bit for bit.
 */
export function denoising(name: string, drop = DROP): VariantDefinition {
  return {
    build({ model }, shape, rng) {
      const { encoder, decoder } = buildAutoencoder(model, shape, false, rng);
      const likelihood = pixelLikelihood(model, decoder);
      return assembleVariant({
        name,
        encoder,
        decoder,
        likelihood,
        phases: [
          {
            name: "autoencoder",
            trains: ["encoder", "decoder"],
            // Masked in evaluation too: the test autoencoder/recon is the denoising criterion, beside the
            // clean reconstruction's mse, bce and l1 that every run reports.
            run: ({ x, noise }) => {
              const logits = decoder.decode(encoder.encode(mask(x, drop, noise)).embedding);
              return { terms: [{ name: "recon", weight: 1, value: likelihood.loss(logits, x) }], diagnostics: likelihood.diagnostics(logits, x) };
            },
          },
        ],
      });
    },
  };
}

/** Registers `dae` once per process (a second registration of a name is an error). */
export function registerDae(): void {
  if (!registeredVariant("dae")) registerVariant("dae", denoising("dae"));
}

/** A small denoising autoencoder on the embedded digits; `config` replaces whole sections. */
export function run({ config: sections, ...options }: { config?: Record<string, unknown> } & TrainOptions = {}): Promise<Trained> {
  registerDae();
  const config = {
    data: { source: "mnist", trainLimit: 2048, testLimit: 512 },
    model: { variant: "dae", recon: "bce", encoder: { type: "mlp", hidden: [256] }, decoder: { type: "mlp", hidden: [256] }, latent: { size: 16 } },
    train: { epochs: 5, batchSize: 64 },
    ...sections,
  };
  return train(config, options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { result, dir } = await run({ logdir: "runs/examples", name: "custom-variant", progress: progressFor() });
  const last = result.epochs.at(-1)!;
  console.log(`test bce from masked inputs ${last.test["autoencoder/recon"].toFixed(2)}, from clean ones ${last.test.bce.toFixed(2)}; run in ${dir}`);
  // The wasm backend keeps handles open.
  process.exit(0);
}
