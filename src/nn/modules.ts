import type * as tf from "@tensorflow/tfjs";

/** Height, width and channels of the data, taken from the dataset (never hard-coded to 28x28x1). */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * The encoder contract (after pythae's BaseEncoder): `embedding` is the code, or the mean of a Gaussian
 * code, and `logVariance` is present exactly when the latent is Gaussian.
 */
export interface EncoderOutput {
  embedding: tf.Tensor2D;
  logVariance?: tf.Tensor2D;
}

export interface Encoder {
  readonly model: tf.LayersModel;
  readonly gaussian: boolean;
  readonly latentSize: number;
  encode(x: tf.Tensor4D): EncoderOutput;
}

/** The decoder contract: a code in, per-pixel logits out (the sigmoid is applied where a loss or image needs it). */
export interface Decoder {
  readonly model: tf.LayersModel;
  readonly shape: ImageShape;
  decode(z: tf.Tensor2D): tf.Tensor4D;
}

/** The tf.Variables of a module, for a phase's gradient. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * The discriminator contract (after pythae's discriminators): the real/fake logit, and the flattened
 * activations of the configured layer l, which VAE-GAN's feature reconstruction compares.
 */
export interface DiscriminatorOutput {
  logit: tf.Tensor2D;
  features: tf.Tensor2D;
}

export interface Discriminator {
  readonly model: tf.LayersModel;
  discriminate(x: tf.Tensor4D): DiscriminatorOutput;
}

/** A discriminator on codes (AAE): prior samples are real, encoder codes are fake. */
export interface LatentDiscriminator {
  readonly model: tf.LayersModel;
  discriminate(z: tf.Tensor2D): tf.Tensor2D;
}
