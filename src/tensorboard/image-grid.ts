import sharp from "sharp";

/** NHWC float pixels, nominally in [0, 1]; values outside are clamped, NaN becomes 0. */
// A type alias, not an interface: only aliases get the implicit index signature that lets
// tf.tidy() return an ImageBatch (tfjs' TensorContainerObject).
export type ImageBatch = {
  pixels: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
};

/** A uint8 HWC image, ready for PNG encoding. */
export interface ImageGrid {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

// Mid grey: a black gutter vanishes against MNIST's black background and a white one against
// light images; grey separates tiles on both.
export const PAD_VALUE = 128;

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`tileGrid: ${name} must be a positive integer (got ${value})`);
  }
}

function toByte(value: number): number {
  if (!(value > 0)) return 0; // also catches NaN
  if (value >= 1) return 255;
  return Math.round(value * 255);
}

/**
 * Tiles a batch row-major into one image: `columns` tiles per row (default ceil(sqrt(count)),
 * never more than count), `pad` pixels of PAD_VALUE around and between tiles, empty cells of
 * the last row filled with PAD_VALUE.
 */
export function tileGrid(batch: ImageBatch, columns?: number, pad = 2): ImageGrid {
  const { pixels, count, height, width, channels } = batch;
  positiveInteger("count", count);
  positiveInteger("height", height);
  positiveInteger("width", width);
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`tileGrid: channels must be 1 or 3 (got ${channels})`);
  }
  if (!Number.isInteger(pad) || pad < 0) {
    throw new RangeError(`tileGrid: pad must be a non-negative integer (got ${pad})`);
  }
  const expected = count * height * width * channels;
  if (pixels.length !== expected) {
    throw new RangeError(
      `tileGrid: pixels has ${pixels.length} values, expected count*height*width*channels = ` + `${count}*${height}*${width}*${channels} = ${expected}`,
    );
  }
  const cols = Math.min(columns ?? Math.ceil(Math.sqrt(count)), count);
  positiveInteger("columns", cols);
  const rows = Math.ceil(count / cols);
  const gridHeight = rows * height + (rows + 1) * pad;
  const gridWidth = cols * width + (cols + 1) * pad;
  const out = new Uint8Array(gridHeight * gridWidth * channels).fill(PAD_VALUE);
  const tileRow = width * channels;
  for (let n = 0; n < count; n++) {
    const top = pad + Math.floor(n / cols) * (height + pad);
    const left = pad + (n % cols) * (width + pad);
    for (let y = 0; y < height; y++) {
      const src = (n * height + y) * tileRow;
      const dst = ((top + y) * gridWidth + left) * channels;
      for (let i = 0; i < tileRow; i++) out[dst + i] = toByte(pixels[src + i]);
    }
  }
  return { pixels: out, height: gridHeight, width: gridWidth, channels };
}

export async function encodePng(grid: ImageGrid): Promise<Buffer> {
  const { pixels, height, width, channels } = grid;
  if (pixels.length !== height * width * channels) {
    throw new RangeError(`encodePng: pixels has ${pixels.length} bytes, expected ${height}*${width}*${channels}`);
  }
  const image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width, height, channels },
  });
  // Without b-w, sharp widens 1-channel input to 3-channel sRGB, tripling the PNG for nothing.
  const coloured = channels === 1 ? image.toColourspace("b-w") : image.toColourspace("srgb");
  return coloured.png().toBuffer();
}
