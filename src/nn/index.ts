export { activationLayer, LEAKY_RELU_ALPHA } from "./activation.js";
export { buildDecoder, buildEncoder } from "./build.js";
export { buildMlpDecoder } from "./mlp-decoder.js";
export { buildMlpEncoder } from "./mlp-encoder.js";
export { trainableVariables, type Decoder, type Encoder, type EncoderOutput, type ImageShape } from "./modules.js";
