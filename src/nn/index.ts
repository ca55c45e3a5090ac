export { activationLayer, LEAKY_RELU_ALPHA } from "./activation.js";
export { buildDecoder, buildDiscriminator, buildEncoder, buildLatentDiscriminator } from "./build.js";
export { buildConvDecoder, decoderStartSize } from "./conv-decoder.js";
export { buildConvDiscriminator } from "./conv-discriminator.js";
export { buildConvEncoder } from "./conv-encoder.js";
export { resolveFeatureLayer } from "./discriminator-output.js";
export { buildMlpLatentDiscriminator } from "./latent-discriminator.js";
export { buildMlpDecoder } from "./mlp-decoder.js";
export { buildMlpDiscriminator } from "./mlp-discriminator.js";
export { buildMlpEncoder } from "./mlp-encoder.js";
export {
  trainableVariables,
  type Decoder,
  type Discriminator,
  type DiscriminatorOutput,
  type Encoder,
  type EncoderOutput,
  type ImageShape,
  type LatentDiscriminator,
} from "./modules.js";
