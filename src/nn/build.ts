import type { ModelSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { buildConvDecoder } from "./conv-decoder.js";
import { buildConvDiscriminator } from "./conv-discriminator.js";
import { buildConvEncoder } from "./conv-encoder.js";
import { buildMlpLatentDiscriminator } from "./latent-discriminator.js";
import { buildMlpDecoder } from "./mlp-decoder.js";
import { buildMlpDiscriminator } from "./mlp-discriminator.js";
import { buildMlpEncoder } from "./mlp-encoder.js";
import type { Decoder, Discriminator, Encoder, ImageShape, LatentDiscriminator } from "./modules.js";
import { buildSpectralLatentDiscriminator } from "./spectral-latent-discriminator.js";
import { buildSpectralMlpDiscriminator } from "./spectral-mlp-discriminator.js";

/** The encoder named by `model.encoder` in the config. */
export function buildEncoder(model: ModelSpec, shape: ImageShape, gaussian: boolean, rng: Rng): Encoder {
  switch (model.encoder.type) {
    case "mlp":
      return buildMlpEncoder(model.encoder, shape, model.latent.size, gaussian, rng);
    case "conv":
      return buildConvEncoder(model.encoder, shape, model.latent.size, gaussian, rng);
  }
}

/** The decoder named by `model.decoder` in the config; it carries the likelihood's log scale when that is learned. */
export function buildDecoder(model: ModelSpec, shape: ImageShape, rng: Rng): Decoder {
  const learnedScale = model.scale === "learned";
  switch (model.decoder.type) {
    case "mlp":
      return buildMlpDecoder(model.decoder, shape, model.latent.size, rng, learnedScale);
    case "conv":
      return buildConvDecoder(model.decoder, shape, model.latent.size, rng, learnedScale);
  }
}

/**
 * The pixel-space discriminator named by `model.discriminator` in the config, spectrally normalised where
 * it says so (the one place `spectralNorm` is read; the conv builder normalises its own layers).
 */
export function buildDiscriminator(model: ModelSpec, shape: ImageShape, rng: Rng): Discriminator {
  const spec = model.discriminator;
  switch (spec.type) {
    case "mlp":
      return spec.spectralNorm ? buildSpectralMlpDiscriminator(spec, shape, rng) : buildMlpDiscriminator(spec, shape, rng);
    case "conv":
      return buildConvDiscriminator(spec, shape, rng);
  }
}

/** The code-space discriminator named by `model.latentDiscriminator`, on codes of `model.latent.size`, spectrally normalised where it says so. */
export function buildLatentDiscriminator(model: ModelSpec, rng: Rng): LatentDiscriminator {
  const spec = model.latentDiscriminator;
  const size = model.latent.size;
  return spec.spectralNorm ? buildSpectralLatentDiscriminator(spec, size, rng) : buildMlpLatentDiscriminator(spec, size, rng);
}
