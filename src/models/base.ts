import * as tf from "@tensorflow/tfjs";
import type { ModelSpec, NetworkName } from "../config/schema.js";
import { gaussianKl } from "../losses/kl.js";
import { buildLikelihood, type Likelihood } from "../losses/likelihoods/index.js";
import { buildDecoder, buildEncoder } from "../nn/build.js";
import { learnedLogScaleOf } from "../nn/decoder-scale.js";
import type { Decoder, Encoder, ImageShape } from "../nn/modules.js";
import type { Rng } from "../random/rng.js";
import type { LossTerm, Noise, Phase, Prior, Variant } from "./variant.js";

/** Reparameterisation (Kingma & Welling 2014): z = mean + exp(logVar / 2) * eps, differentiable in both. */
export function reparameterize(mean: tf.Tensor2D, logVariance: tf.Tensor2D, noise: Noise): tf.Tensor2D {
  return tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), noise.normal(mean.shape))) as tf.Tensor2D;
}

export interface Autoencoded {
  /** The code the decoder saw: a sample for a Gaussian latent, the embedding otherwise. */
  z: tf.Tensor2D;
  logits: tf.Tensor4D;
  /** beta * KL to N(0, I), present for a Gaussian latent. */
  kl?: LossTerm;
}

/** The encoder-decoder forward pass every variant starts from. */
export function autoencode(encoder: Encoder, decoder: Decoder, x: tf.Tensor4D, noise: Noise, beta: number): Autoencoded {
  const { embedding, logVariance } = encoder.encode(x);
  if (!encoder.gaussian || !logVariance) return { z: embedding, logits: decoder.decode(embedding) };
  const z = reparameterize(embedding, logVariance, noise);
  return { z, logits: decoder.decode(z), kl: { name: "kl", weight: beta, value: gaussianKl(embedding, logVariance) } };
}

/** The encoder and decoder every variant has, built first so their initial weights never depend on the rest. */
export function buildAutoencoder(model: ModelSpec, shape: ImageShape, gaussian: boolean, rng: Rng): { encoder: Encoder; decoder: Decoder } {
  const encoder = buildEncoder(model, shape, gaussian, rng);
  const decoder = buildDecoder(model, shape, rng);
  return { encoder, decoder };
}

/**
 * The pixel likelihood `model.recon` names, for every variant. A learned scale is read from the decoder's
 * own weight (buildDecoder adds it), so in every variant it trains with the phase that trains the decoder
 * and checkpoints with it.
 */
export function pixelLikelihood(model: ModelSpec, decoder: Decoder): Likelihood {
  // The config schema allows "feature" for vaegan only, which then has no pixel likelihood.
  if (model.recon === "feature") throw new Error("model.recon feature is a loss in a discriminator's feature space (vaegan), not a pixel likelihood");
  return buildLikelihood({ recon: model.recon, scale: model.scale }, learnedLogScaleOf(decoder.model));
}

/** Assembles a Variant from its networks and phases; the parts every variant shares are written once here. */
export function assembleVariant(parts: {
  name: string;
  encoder: Encoder;
  decoder: Decoder;
  extra?: Partial<Record<NetworkName, tf.LayersModel>>;
  phases: Phase[];
  prior?: Prior;
  gateSignals?: string[];
  /** The reconstruction likelihood; without one, the mean is sigmoid(logits). */
  likelihood?: Likelihood;
}): Variant {
  const { encoder, decoder, likelihood } = parts;
  const mean = (logits: tf.Tensor) => (likelihood ? likelihood.mean(logits) : tf.sigmoid(logits));
  // Only cbernoulli's mean is not the sigmoid of the logits; the others pass theirs through unchanged.
  const meanLogits = (logits: tf.Tensor4D): tf.Tensor4D => {
    if (likelihood?.kind !== "cbernoulli") return logits;
    const m = likelihood.mean(logits);
    return tf.sub(tf.log(m), tf.log1p(tf.neg(m))) as tf.Tensor4D;
  };
  const networks: Partial<Record<NetworkName, tf.LayersModel>> = { encoder: encoder.model, decoder: decoder.model, ...parts.extra };
  const owners = new Map<NetworkName, string>();
  for (const phase of parts.phases) {
    for (const network of phase.trains) {
      if (!networks[network]) throw new Error(`variant ${parts.name}: phase ${phase.name} trains ${network}, which it does not have`);
      // One optimizer per network; a second phase training it would blur whose loss moved it.
      if (owners.has(network)) throw new Error(`variant ${parts.name}: ${network} is trained by both ${owners.get(network)} and ${phase.name}`);
      owners.set(network, phase.name);
    }
  }
  return {
    name: parts.name,
    networks,
    phases: parts.phases,
    latentSize: encoder.latentSize,
    prior: parts.prior,
    gateSignals: parts.gateSignals,
    encode: (x) => encoder.encode(x),
    likelihood,
    reconstructLogits: (x) => tf.tidy(() => meanLogits(decoder.decode(encoder.encode(x).embedding))),
    generate: (z) => tf.tidy(() => mean(decoder.decode(z)) as tf.Tensor4D),
    decodeLogits: (z) => decoder.decode(z),
    dispose() {
      for (const model of Object.values(networks)) model?.dispose();
    },
  };
}
