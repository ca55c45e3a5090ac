import * as tf from "@tensorflow/tfjs";
import { detach } from "../losses/adaptive-weight.js";

/**
 * Spectral normalisation (Miyato et al. 2018): a layer uses W / sigma(W), sigma the largest singular value
 * of its kernel as a (fan-in x units) matrix, estimated by power iteration from a persistent vector u.
 * As in Miyato's code and PyTorch's spectral_norm, u and v are constants for the gradient (which flows
 * through W and through sigma's dependence on W). A forward pass takes one iteration from the stored u
 * without storing the result, so it is a pure function of the weights: only `advanceSpectralNorm`, which
 * the discriminator's own phase calls once per update (Miyato's one iteration per step), moves u, so no
 * other phase and no evaluation changes the discriminator. u is a non-trainable weight of the layer, so
 * checkpoints carry it and a resumed run continues exactly.
 */

const EPSILON = 1e-12;

function normalize(t: tf.Tensor1D): tf.Tensor1D {
  return tf.div(t, tf.add(tf.sqrt(tf.sum(tf.square(t))), EPSILON)) as tf.Tensor1D;
}

/**
 * One power-iteration step on the kernel `w` ([fanIn, units]) from u ([units]): v = norm(w u),
 * u' = norm(wᵀ v), sigma = vᵀ w u' (differentiable in w only). Returns u' and sigma.
 */
export function powerIteration(w: tf.Tensor2D, u: tf.Tensor1D): { u: tf.Tensor1D; sigma: tf.Scalar } {
  return tf.tidy(() => {
    const constant = detach(w);
    const v = normalize(tf.squeeze(tf.matMul(constant, tf.expandDims(u, 1)), [1]) as tf.Tensor1D);
    const next = normalize(tf.squeeze(tf.matMul(tf.expandDims(v, 0), constant), [0]) as tf.Tensor1D);
    const sigma = tf.sum(tf.mul(tf.matMul(tf.expandDims(v, 0), w), tf.expandDims(next, 0))) as tf.Scalar;
    return { u: next, sigma };
  });
}

interface SpectralArgs {
  name: string;
  units: number;
  kernelSeed: number;
  uSeed: number;
}

const asMatrix = (w: tf.Tensor) => tf.reshape(w, [-1, w.shape[w.shape.length - 1]]) as tf.Tensor2D;

/** The kernel divided by its spectral norm. */
function normalizedKernel(kernel: tf.LayerVariable, u: tf.LayerVariable): tf.Tensor {
  const w = kernel.read();
  return tf.div(w, powerIteration(asMatrix(w), u.read() as tf.Tensor1D).sigma);
}

/** One power-iteration step stored in u. */
function advance(kernel: tf.LayerVariable, u: tf.LayerVariable): void {
  tf.tidy(() => {
    u.write(powerIteration(asMatrix(kernel.read()), u.read() as tf.Tensor1D).u);
  });
}

/** A dense layer with a spectrally normalised kernel (no activation: it follows as its own layer). */
export class SpectralDense extends tf.layers.Layer {
  static className = "AelabSpectralDense";
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private u!: tf.LayerVariable;

  constructor(private readonly args: SpectralArgs) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const fanIn = shape[shape.length - 1]!;
    this.kernel = this.addWeight("kernel", [fanIn, this.args.units], "float32", tf.initializers.glorotUniform({ seed: this.args.kernelSeed }));
    this.bias = this.addWeight("bias", [this.args.units], "float32", tf.initializers.zeros());
    this.u = this.addWeight("u", [this.args.units], "float32", tf.initializers.randomNormal({ seed: this.args.uSeed }), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.add(tf.matMul(x as tf.Tensor2D, normalizedKernel(this.kernel, this.u) as tf.Tensor2D), this.bias.read());
    });
  }

  advance(): void {
    advance(this.kernel, this.u);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.args.units, kernelSeed: this.args.kernelSeed, uSeed: this.args.uSeed };
  }
}

/** A 'same'-padded conv layer with a spectrally normalised kernel (as a (k*k*cin) x filters matrix). */
export class SpectralConv2D extends tf.layers.Layer {
  static className = "AelabSpectralConv2D";
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private u!: tf.LayerVariable;

  constructor(private readonly args: SpectralArgs & { kernelSize: number; strides: number }) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1]!;
    const { kernelSize: k, units } = this.args;
    this.kernel = this.addWeight("kernel", [k, k, channels, units], "float32", tf.initializers.glorotUniform({ seed: this.args.kernelSeed }));
    this.bias = this.addWeight("bias", [units], "float32", tf.initializers.zeros());
    this.u = this.addWeight("u", [units], "float32", tf.initializers.randomNormal({ seed: this.args.uSeed }), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const s = this.args.strides;
    const size = (n: number | null) => (n === null ? null : Math.ceil(n / s));
    return [shape[0], size(shape[1]), size(shape[2]), this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = normalizedKernel(this.kernel, this.u) as tf.Tensor4D;
      return tf.add(tf.conv2d(x, w, this.args.strides, "same"), this.bias.read());
    });
  }

  advance(): void {
    advance(this.kernel, this.u);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { units, kernelSize, strides, kernelSeed, uSeed } = this.args;
    return { ...super.getConfig(), units, kernelSize, strides, kernelSeed, uSeed };
  }
}

/** One power-iteration step for every spectrally normalised layer of `model` (none: nothing to do). */
export function advanceSpectralNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) if (layer instanceof SpectralDense || layer instanceof SpectralConv2D) layer.advance();
}

/** Whether `model` has spectrally normalised layers. */
export function hasSpectralNorm(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer instanceof SpectralDense || layer instanceof SpectralConv2D);
}

tf.serialization.registerClass(SpectralDense);
tf.serialization.registerClass(SpectralConv2D);
