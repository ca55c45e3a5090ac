import { checkImageSet, checkMinSize, plane, type ImageSet } from "./image-set.js";

export interface Sharpness {
  /**
   * Mean gradient magnitude sqrt(gx^2 + gy^2) from the Sobel operator divided by 8, so a ramp rising by s per
   * pixel scores s. Over the valid (H - 2) x (W - 2) region of every channel, mean over pixels and images.
   */
  gradient: number;
  /**
   * Mean over images of the (population) variance of the 4-neighbour 3x3 Laplacian [0 1 0; 1 -4 1; 0 1 0]
   * over the image's valid region and channels: the "variance of the Laplacian" focus measure
   * (Pech-Pacheco et al. 2000; OpenCV's cv2.Laplacian with ksize 1).
   */
  laplacianVariance: number;
}

/** Two edge-based sharpness measures of a set of images; both are 0 for a flat image and fall when it is blurred. */
export function sharpness(images: ImageSet): Sharpness {
  checkImageSet(images, "sharpness");
  checkMinSize(images, 3, "sharpness");
  const { height: h, width: w, channels, count } = images;
  let gradient = 0;
  let laplacianVariance = 0;
  for (let n = 0; n < count; n++) {
    let gradSum = 0;
    let lapSum = 0;
    let lapSq = 0;
    for (let ch = 0; ch < channels; ch++) {
      const p = plane(images, n, ch);
      for (let r = 1; r < h - 1; r++) {
        for (let c = 1; c < w - 1; c++) {
          const at = (dr: number, dc: number) => p[(r + dr) * w + c + dc];
          const gx = (at(-1, 1) + 2 * at(0, 1) + at(1, 1) - at(-1, -1) - 2 * at(0, -1) - at(1, -1)) / 8;
          const gy = (at(1, -1) + 2 * at(1, 0) + at(1, 1) - at(-1, -1) - 2 * at(-1, 0) - at(-1, 1)) / 8;
          gradSum += Math.sqrt(gx * gx + gy * gy);
          const lap = at(-1, 0) + at(1, 0) + at(0, -1) + at(0, 1) - 4 * at(0, 0);
          lapSum += lap;
          lapSq += lap * lap;
        }
      }
    }
    const cells = (h - 2) * (w - 2) * channels;
    gradient += gradSum / cells;
    const mean = lapSum / cells;
    laplacianVariance += Math.max(0, lapSq / cells - mean * mean);
  }
  return { gradient: gradient / count, laplacianVariance: laplacianVariance / count };
}

/**
 * Sharpness of the outputs relative to the inputs they reconstruct: 1 = as sharp as the data, < 1 blurrier,
 * > 1 sharper (or noisier). Plain division, so a flat input set gives Infinity or NaN.
 */
export function sharpnessRatio(outputs: ImageSet, inputs: ImageSet): Sharpness {
  const o = sharpness(outputs);
  const i = sharpness(inputs);
  return { gradient: o.gradient / i.gradient, laplacianVariance: o.laplacianVariance / i.laplacianVariance };
}
