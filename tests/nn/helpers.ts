import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { modelSchema, type ModelSpec } from "../../src/config/schema.js";
import { trainableVariables, type ImageShape } from "../../src/nn/index.js";

export const MNIST: ImageShape = { height: 28, width: 28, channels: 1 };
export const CIFAR: ImageShape = { height: 32, width: 32, channels: 3 };
export const SHAPES = [MNIST, CIFAR] as const;
export const BATCH = 3;

export const describeShape = (s: ImageShape): string => `${s.height}x${s.width}x${s.channels}`;

/** A model spec with the schema's defaults filled in, like a parsed config. */
export function modelSpec(overrides: Record<string, unknown> = {}): ModelSpec {
  return modelSchema.parse(overrides);
}

export function images(shape: ImageShape, seed = 7, batch = BATCH): tf.Tensor4D {
  return tf.randomUniform([batch, shape.height, shape.width, shape.channels], 0, 1, "float32", seed);
}

export function codes(latentSize: number, seed = 8, batch = BATCH): tf.Tensor2D {
  return tf.randomNormal([batch, latentSize], 0, 1, "float32", seed);
}

/** Every weight of a model, read back, in layer order. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** Output of a named layer for `x` (the symbolic graph cut there, sharing the model's weights). */
export function layerOutput(model: tf.LayersModel, layerName: string, x: tf.Tensor): tf.Tensor {
  const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output as tf.SymbolicTensor });
  return cut.predict(x) as tf.Tensor;
}

/** The variables of `model` that `loss` has a non-zero gradient for, by name. */
export function variablesWithGradient(model: tf.LayersModel, loss: () => tf.Scalar): string[] {
  const variables = trainableVariables(model);
  const { value, grads } = tf.variableGrads(loss, variables);
  const reached = Object.entries(grads)
    .filter(([, g]) => g.abs().sum().dataSync()[0] > 0)
    .map(([name]) => name);
  tf.dispose([value, ...Object.values(grads)]);
  return reached.sort();
}

export function expectGradientsReachAll(model: tf.LayersModel, loss: () => tf.Scalar): void {
  const all = trainableVariables(model)
    .map((v) => v.name)
    .sort();
  expect(all.length).toBeGreaterThan(0);
  expect(variablesWithGradient(model, loss)).toEqual(all);
}

/** `apply` run repeatedly (outputs disposed each time) leaves no tensor behind. */
export function expectNoLeak(apply: () => tf.TensorContainer): void {
  tf.dispose(apply()); // warm-up: first calls may cache kernels
  const tensors = tf.memory().numTensors;
  const dataIds = tf.backend().numDataIds();
  for (let i = 0; i < 3; i++) tf.dispose(apply());
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.backend().numDataIds()).toBe(dataIds);
}

/** [class name, config values] per layer, for comparing a network's structure with a reference. */
export function layerSummary(model: tf.LayersModel): unknown[][] {
  return model.layers.map((l) => {
    const c = l.getConfig();
    switch (l.getClassName()) {
      case "Conv2D":
      case "Conv2DTranspose":
        return [l.getClassName(), c.filters, c.kernelSize, c.strides, c.padding, c.activation, l.outputShape];
      case "Dense":
        return ["Dense", c.units, c.activation];
      case "Activation":
        return ["Activation", c.activation];
      case "LeakyReLU":
        return ["LeakyReLU", c.alpha];
      case "Reshape":
        return ["Reshape", c.targetShape];
      default:
        return [l.getClassName()];
    }
  });
}
