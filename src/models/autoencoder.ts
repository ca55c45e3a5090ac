import * as tf from "@tensorflow/tfjs";
import type { RunConfig } from "../config/schema.js";
import { gaussianKl } from "../losses/kl.js";
import { reconstructionLoss } from "../losses/reconstruction.js";
import { buildDecoder, buildEncoder } from "../nn/build.js";
import type { Decoder, Encoder, ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import type { LossTerm, Noise, Phase, Variant } from "./variant.js";

/** Reparameterisation (Kingma & Welling 2014): z = mean + exp(logVar / 2) * eps, differentiable in both. */
export function reparameterize(mean: tf.Tensor2D, logVariance: tf.Tensor2D, noise: Noise): tf.Tensor2D {
  return tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), noise.normal(mean.shape))) as tf.Tensor2D;
}

function autoencoderVariant(name: string, encoder: Encoder, decoder: Decoder, phase: Phase): Variant {
  return {
    name,
    modules: { encoder: encoder.model, decoder: decoder.model },
    phases: [phase],
    latentSize: encoder.latentSize,
    reconstructLogits: (x) => tf.tidy(() => decoder.decode(encoder.encode(x).embedding)),
    samplePrior: encoder.gaussian ? (z) => tf.tidy(() => tf.sigmoid(decoder.decode(z))) : undefined,
    dispose() {
      encoder.model.dispose();
      decoder.model.dispose();
    },
  };
}

/** AE: encoder and decoder descend the reconstruction loss. */
export function buildAe(model: RunConfig["model"], shape: ImageShape, rng: Rng): Variant {
  const encoder = buildEncoder(model, shape, false, rng);
  const decoder = buildDecoder(model, shape, rng);
  return autoencoderVariant("ae", encoder, decoder, {
    name: "autoencoder",
    trains: ["encoder", "decoder"],
    losses: (x): LossTerm[] => [
      { name: "recon", weight: 1, value: reconstructionLoss(model.recon, decoder.decode(encoder.encode(x).embedding), x) },
    ],
  });
}

/** VAE: encoder and decoder descend the reconstruction loss plus beta times the KL to N(0, I). */
export function buildVae(model: RunConfig["model"], shape: ImageShape, rng: Rng): Variant {
  const encoder = buildEncoder(model, shape, true, rng);
  const decoder = buildDecoder(model, shape, rng);
  return autoencoderVariant("vae", encoder, decoder, {
    name: "autoencoder",
    trains: ["encoder", "decoder"],
    losses: (x, noise): LossTerm[] => {
      const { embedding: mean, logVariance } = encoder.encode(x);
      if (!logVariance) throw new Error("vae: the encoder has no log-variance head");
      const z = reparameterize(mean, logVariance, noise);
      return [
        { name: "recon", weight: 1, value: reconstructionLoss(model.recon, decoder.decode(z), x) },
        { name: "kl", weight: model.beta, value: gaussianKl(mean, logVariance) },
      ];
    },
  });
}
