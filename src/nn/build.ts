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

/** The pixel-space discriminator named by `model.discriminator` in the config. */
export function buildDiscriminator(model: ModelSpec, shape: ImageShape, rng: Rng): Discriminator {
  switch (model.discriminator.type) {
    case "mlp":
      return buildMlpDiscriminator(model.discriminator, shape, rng);
    case "conv":
      return buildConvDiscriminator(model.discriminator, shape, rng);
  }
}

/** The code-space discriminator named by `model.latentDiscriminator`, on codes of `model.latent.size`. */
export function buildLatentDiscriminator(model: ModelSpec, rng: Rng): LatentDiscriminator {
  return buildMlpLatentDiscriminator(model.latentDiscriminator, model.latent.size, rng);
}
