import type { RunConfig } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { buildMlpDecoder } from "./mlp-decoder.js";
import { buildMlpEncoder } from "./mlp-encoder.js";
import type { Decoder, Encoder, ImageShape } from "./modules.js";

/** The encoder named by `model.encoder` in the config. */
export function buildEncoder(model: RunConfig["model"], shape: ImageShape, gaussian: boolean, rng: Rng): Encoder {
  switch (model.encoder.type) {
    case "mlp":
      return buildMlpEncoder(model.encoder, shape, model.latent.size, gaussian, rng);
  }
}

/** The decoder named by `model.decoder` in the config. */
export function buildDecoder(model: RunConfig["model"], shape: ImageShape, rng: Rng): Decoder {
  switch (model.decoder.type) {
    case "mlp":
      return buildMlpDecoder(model.decoder, shape, model.latent.size, rng);
  }
}
