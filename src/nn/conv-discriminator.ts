import * as tf from "@tensorflow/tfjs";
import type { ConvDiscriminatorSpec } from "../config/schema.js";
import type { Rng } from "../random/rng.js";
import { activationLayer } from "./activation.js";
import { convStack, seededConv2d } from "./conv.js";
import { discriminatorFromModel, resolveFeatureLayer } from "./discriminator-output.js";
import { denseStack, seededDense } from "./mlp.js";
import type { Discriminator, ImageShape } from "./modules.js";
import { SpectralConv2D, SpectralDense } from "./spectral-norm.js";

/** Like convStack, with spectrally normalised convs; the same layer names. */
function spectralConvStack(input: tf.SymbolicTensor, spec: ConvDiscriminatorSpec, prefix: string, rng: Rng): tf.SymbolicTensor[] {
  const outputs: tf.SymbolicTensor[] = [];
  let h = input;
  spec.filters.forEach((filters, i) => {
    const conv = new SpectralConv2D({
      name: `${prefix}_conv_${i}`,
      units: filters,
      kernelSize: spec.kernel,
      strides: spec.strides,
      kernelSeed: rng.seed(),
      uSeed: rng.seed(),
    });
    h = conv.apply(h) as tf.SymbolicTensor;
    h = activationLayer(spec.activation, `${prefix}_conv_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
    outputs.push(h);
  });
  return outputs;
}

/**
 * A DCGAN-style discriminator: strided convs with the activation, flatten, optional dense hidden layers,
 * a dense logit; or with `head: patch` a PatchGAN (Isola et al. 2017; VQGAN's NLayerDiscriminator): a
 * stride-1 conv to one channel, so the logit output is one score per patch, [batch, patches], and the
 * GAN losses average over patches. Its second output is the flattened activation of conv layer
 * `featureLayer` (VAE-GAN's Dis_l). `spectralNorm` normalises every conv and dense layer (Miyato et al.
 * 2018). No batch norm, unlike DCGAN: it would mix the examples of a batch and carry moving statistics
 * outside the gradient, so which loss trains which variable would no longer be simple to route, nor the
 * forward pass a pure, deterministic function of its input.
 */
export function buildConvDiscriminator(spec: ConvDiscriminatorSpec, shape: ImageShape, rng: Rng): Discriminator {
  const layer = resolveFeatureLayer(spec.featureLayer, spec.filters.length, "conv layers");
  const sn = spec.spectralNorm;
  const input = tf.input({ shape: [shape.height, shape.width, shape.channels], name: "discriminator_input" });
  const maps = sn ? spectralConvStack(input, spec, "discriminator", rng) : convStack(input, spec, "discriminator", rng);
  const last = maps.length - 1;
  const flat = tf.layers.flatten({ name: "discriminator_flatten" }).apply(maps[last]) as tf.SymbolicTensor;
  let logit: tf.SymbolicTensor;
  if (spec.head === "patch") {
    const patchSpec = { filters: 1, kernel: spec.kernel, strides: 1 };
    const head = sn
      ? new SpectralConv2D({ name: "discriminator_patch_logit", units: 1, kernelSize: spec.kernel, strides: 1, kernelSeed: rng.seed(), uSeed: rng.seed() })
      : seededConv2d(patchSpec, "discriminator_patch_logit", rng);
    const patches = head.apply(maps[last]) as tf.SymbolicTensor;
    logit = tf.layers.flatten({ name: "discriminator_patch_logits" }).apply(patches) as tf.SymbolicTensor;
  } else {
    const dense = (units: number, name: string) =>
      sn ? new SpectralDense({ name, units, kernelSeed: rng.seed(), uSeed: rng.seed() }) : seededDense(units, name, rng);
    let h = flat;
    if (sn) {
      spec.hidden.forEach((units, i) => {
        h = dense(units, `discriminator_dense_${i}`).apply(h) as tf.SymbolicTensor;
        h = activationLayer(spec.activation, `discriminator_${spec.activation}_${i}`).apply(h) as tf.SymbolicTensor;
      });
    } else {
      h = denseStack(flat, spec.hidden, spec.activation, "discriminator", rng).at(-1) ?? flat;
    }
    logit = dense(1, "discriminator_logit").apply(h) as tf.SymbolicTensor;
  }
  const features = layer === last ? flat : (tf.layers.flatten({ name: "discriminator_features" }).apply(maps[layer]) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: [logit, features], name: "discriminator" });
  return discriminatorFromModel(model);
}
