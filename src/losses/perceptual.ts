import * as tf from "@tensorflow/tfjs";

// LPIPS's normalize_tensor adds 1e-10 to the norm. Here it goes inside the square root instead: ReLU
// features are exactly 0 at many positions, where sqrt's gradient would be infinite and times 0 a NaN.
const NORM_EPSILON = 1e-10;

/**
 * The perceptual distance between two images' activations at the same layers (outputs [n, h, w, c] per
 * layer): at each position the channel vector is scaled to unit length (Zhang et al. 2018, LPIPS, without
 * its learned per-channel weights), the squared differences are summed over channels and positions (as a
 * likelihood sums over pixels, so it grows with the image as recon does), then over layers; averaged over
 * the batch. 0 for identical activations; at most 4 per position and layer.
 */
export function perceptualDistance(outputs: readonly tf.Tensor4D[], targets: readonly tf.Tensor4D[]): tf.Scalar {
  if (outputs.length !== targets.length || outputs.length === 0) {
    throw new Error(`perceptualDistance: ${outputs.length} output layers but ${targets.length} target layers (need the same, at least one)`);
  }
  return tf.tidy(() => {
    const perLayer = outputs.map((output, i) => {
      const target = targets[i];
      if (output.shape.join() !== target.shape.join()) {
        throw new Error(`perceptualDistance: layer ${i} is [${output.shape.join(", ")}] for the outputs but [${target.shape.join(", ")}] for the targets`);
      }
      const difference = tf.sub(unitChannels(output), unitChannels(target));
      return tf.sum(tf.square(difference), [1, 2, 3]);
    });
    return tf.mean(tf.addN(perLayer)) as tf.Scalar;
  });
}

function unitChannels(x: tf.Tensor4D): tf.Tensor4D {
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), NORM_EPSILON * NORM_EPSILON));
  return tf.div(x, norm);
}
