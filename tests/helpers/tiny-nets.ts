import * as tf from "@tensorflow/tfjs";

// A small seeded encoder/decoder pair trained on one fixed batch, as the checkpoint tests use it
// (tests/train/checkpoint.test.ts, tests/train/fused-adam.test.ts).

export interface Nets {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}
export type Optimizers = Record<keyof Nets, tf.Optimizer>;

/** A tanh dense layer with seeded kernel and bias initializers. */
export function seededDense(name: string, units: number, seed: number, extra: Partial<Parameters<typeof tf.layers.dense>[0]> = {}): tf.layers.Layer {
  return tf.layers.dense({
    name,
    units,
    activation: "tanh",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: tf.initializers.randomNormal({ seed: seed + 1, stddev: 0.1 }),
    ...extra,
  });
}

/** The fixed [5, 6] input batch. */
export function reconBatch(): tf.Tensor2D {
  return tf.tensor2d(
    Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 1.7)),
    [5, 6],
  );
}

/** One step as the loop takes it: each network's optimizer applies the reconstruction gradient for its own variables. */
export function reconStep(nets: Nets, optimizers: Optimizers, x: tf.Tensor2D): void {
  tf.tidy(() => {
    for (const name of ["encoder", "decoder"] as const) {
      const variables = nets[name].trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => {
        const recon = nets.decoder.apply(nets.encoder.apply(x)) as tf.Tensor;
        return tf.losses.meanSquaredError(x, recon) as tf.Scalar;
      }, variables);
      optimizers[name].applyGradients(grads);
    }
  });
}
