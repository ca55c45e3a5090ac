import * as tf from "@tensorflow/tfjs";

/** The layer's name in a decoder; the likelihood finds its weight by it. */
export const LOG_SCALE_LAYER = "decoder_log_scale";

/**
 * The weight stores log σ / LOG_SCALE_RATE. Adam moves a weight by about lr per step whatever its
 * gradient's size, so a plain log σ at lr 1e-3 would take ~2,000 steps to travel from σ = 1 to an MNIST
 * RMSE near 0.1 (log σ ≈ −2.3), longer than a shipped config trains; scaled by 10 it gets there in a few
 * hundred. The other weights are untouched.
 */
export const LOG_SCALE_RATE = 10;

/**
 * A shared, trainable log scale of the reconstruction likelihood (a Gaussian's σ, a Laplace's b) carried
 * by the decoder: an identity on the logits that owns one weight, so the decoder's optimizer trains it and
 * its checkpoint saves it like any other weight. Starts at σ = 1.
 */
export class LearnedLogScale extends tf.layers.Layer {
  static readonly className = "AelabLearnedLogScale";
  private logScaleWeight?: tf.LayerVariable;

  constructor(args: { name?: string; trainable?: boolean; dtype?: tf.DataType } = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.logScaleWeight = this.addWeight("log_scale", [1], "float32", tf.initializers.zeros());
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  // A copy, not the input itself: LayersModel execution may dispose a layer's input after use.
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.clone(Array.isArray(inputs) ? inputs[0] : inputs));
  }

  /** log σ, differentiable in the weight (read it inside the gradient tape). */
  logScale(): tf.Scalar {
    if (!this.logScaleWeight) throw new Error(`${this.name}: read before the layer was built`);
    return tf.tidy(() => tf.mul(tf.reshape(this.logScaleWeight!.read(), []), LOG_SCALE_RATE) as tf.Scalar);
  }
}
tf.serialization.registerClass(LearnedLogScale);

/** Appends the learned log scale to a decoder's logits. */
export function withLearnedLogScale(logits: tf.SymbolicTensor): tf.SymbolicTensor {
  return new LearnedLogScale({ name: LOG_SCALE_LAYER }).apply(logits) as tf.SymbolicTensor;
}

/** The decoder's learned log scale, if it has one. */
export function learnedLogScaleOf(model: tf.LayersModel): (() => tf.Scalar) | undefined {
  const layer = model.layers.find((l) => l.name === LOG_SCALE_LAYER);
  return layer instanceof LearnedLogScale ? () => layer.logScale() : undefined;
}
