import * as tf from "@tensorflow/tfjs";
import type { PriorSpec } from "../config/schema.js";
import type { Noise, Prior } from "./variant.js";

export function standardNormal(latentSize: number, std = 1): Prior {
  return { sample: (n, noise) => tf.tidy(() => tf.mul(noise.normal([n, latentSize]), std) as tf.Tensor2D) };
}

/**
 * Makhzani et al.'s mixture of Gaussians: component k has its mean at radius * (cos, sin)(2 pi k / K) in
 * the first two code dimensions and 0 elsewhere, and standard deviation `std` in every dimension.
 */
export function gaussianMixture(latentSize: number, components: number, radius: number, std: number): Prior {
  const means = new Float32Array(components * latentSize);
  for (let k = 0; k < components; k++) {
    const angle = (2 * Math.PI * k) / components;
    means[k * latentSize] = radius * Math.cos(angle);
    if (latentSize > 1) means[k * latentSize + 1] = radius * Math.sin(angle);
  }
  return {
    sample: (n: number, noise: Noise) =>
      tf.tidy(() => {
        const component = tf.cast(tf.floor(tf.mul(noise.uniform([n]), components)), "int32");
        const centre = tf.gather(tf.tensor2d(means, [components, latentSize]), component);
        return tf.add(centre, tf.mul(noise.normal([n, latentSize]), std)) as tf.Tensor2D;
      }),
  };
}

export function buildPrior(spec: PriorSpec, latentSize: number): Prior {
  switch (spec.type) {
    case "normal":
      return standardNormal(latentSize, spec.std);
    case "mixture":
      return gaussianMixture(latentSize, spec.components, spec.radius, spec.std);
  }
}
