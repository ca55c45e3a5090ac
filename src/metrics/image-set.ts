/** A batch of images, NHWC, values in [0, 1]: pixel (n, row, col, ch) is at ((n * height + row) * width + col) * channels + ch. */
export interface ImageSet {
  pixels: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Throws an error naming the function and the set when the shape does not describe the pixels. */
export function checkImageSet(set: ImageSet, where: string, name = "images"): void {
  const { pixels, count, height, width, channels } = set;
  for (const [key, value] of Object.entries({ count, height, width, channels })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${where}: ${name}.${key} must be a positive integer (got ${value})`);
    }
  }
  const expected = count * height * width * channels;
  if (pixels.length !== expected) {
    throw new Error(
      `${where}: ${name} has ${pixels.length} pixel values but count x height x width x channels = ` +
        `${count} x ${height} x ${width} x ${channels} = ${expected}`,
    );
  }
}

/** Both sets valid and of one shape: outputs are compared with their targets image by image, pixel by pixel. */
export function checkPair(outputs: ImageSet, targets: ImageSet, where: string): void {
  checkImageSet(outputs, where, "outputs");
  checkImageSet(targets, where, "targets");
  const shape = (s: ImageSet) => `${s.count}x${s.height}x${s.width}x${s.channels}`;
  if (shape(outputs) !== shape(targets)) {
    throw new Error(`${where}: outputs (${shape(outputs)}) and targets (${shape(targets)}) must have the same shape`);
  }
}

/** Throws unless the image is at least `size` x `size`. */
export function checkMinSize(set: ImageSet, size: number, where: string): void {
  if (set.height < size || set.width < size) {
    throw new Error(`${where}: images must be at least ${size}x${size} (got ${set.height}x${set.width})`);
  }
}

/** One channel of one image as float64, row-major height x width. */
export function plane(set: ImageSet, image: number, channel: number): Float64Array {
  const { height, width, channels, pixels } = set;
  const out = new Float64Array(height * width);
  const base = image * height * width * channels + channel;
  for (let i = 0; i < height * width; i++) out[i] = pixels[base + i * channels];
  return out;
}
