import { ConfigError } from "../config/errors.js";
import type { RunConfig } from "../config/schema.js";
import type { Dataset } from "../data/index.js";
import { validationIndices } from "../data/validation-split.js";
import { decoderStartSize } from "../nn/conv-decoder.js";
import { resolveFeatureLayer } from "../nn/discriminator-output.js";

// The variants that build the pixel discriminator (and so resolve its featureLayer).
const WITH_PIXEL_DISCRIMINATOR = new Set<RunConfig["model"]["variant"]>(["ae+gan", "vae+gan", "vaegan"]);

/**
 * What the schema cannot know before the data is loaded: whether a batch fits in the training split, a
 * conv decoder can grow its start map to the images' size, the discriminator has the feature layer asked
 * for. Checked before a run folder exists, so a config that cannot train leaves nothing behind.
 */
export function checkConfigFitsData(config: RunConfig, data: Dataset, origin: string): void {
  const inFile = (problem: string): ConfigError => new ConfigError(`config error in ${origin}: ${problem}`);
  const train = config.data.validation > 0 ? validationIndices(data.train.labels, config.data.validation, config.seed).train.length : data.train.count;
  if (config.train.batchSize > train) {
    const held = config.data.validation > 0 ? " after the validation split" : "";
    throw inFile(
      `train.batchSize ${config.train.batchSize} is larger than the training split (${train} examples${held}); lower train.batchSize or raise data.trainLimit`,
    );
  }
  const shape = { height: data.height, width: data.width, channels: data.channels };
  const { decoder, discriminator } = config.model;
  try {
    if (decoder.type === "conv") decoderStartSize(decoder, shape);
    if (WITH_PIXEL_DISCRIMINATOR.has(config.model.variant)) {
      if (discriminator.type === "conv") resolveFeatureLayer(discriminator.featureLayer, discriminator.filters.length, "conv layers");
      else resolveFeatureLayer(discriminator.featureLayer, discriminator.hidden.length, "hidden layers");
    }
  } catch (error) {
    if (error instanceof ConfigError) throw inFile(error.message);
    throw error;
  }
}
