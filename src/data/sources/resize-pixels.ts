import sharp from "sharp";
import type { ImageShape, Pixels, Split } from "../split.js";
import { SHARP_FIT, type TransformSpec } from "../transform-spec.js";
import { forEachConcurrently } from "../../util/for-each-concurrently.js";
import type { DecodeProgress } from "./decode-all.js";

const BLACK = { r: 0, g: 0, b: 0 };

/** Whether `spec` asks `shape` to change (size or channels); a spec that leaves it alone costs nothing. */
export function changesShape(shape: ImageShape, spec: TransformSpec): boolean {
  return (
    (spec.size !== undefined && (spec.size[0] !== shape.height || spec.size[1] !== shape.width)) ||
    (spec.channels !== undefined && spec.channels !== shape.channels)
  );
}

/** The shape `spec` makes of `shape`. */
export function shapeAfter(shape: ImageShape, spec: TransformSpec): ImageShape {
  return { height: spec.size?.[0] ?? shape.height, width: spec.size?.[1] ?? shape.width, channels: spec.channels ?? shape.channels };
}

/**
 * Resizes and converts in-memory images as decodeImage does files (same sharp pipeline: fit, centre,
 * black padding, luminance for one channel, repetition for three), several at a time. Float pixels
 * are rounded to bytes first (sharp works on 8 bits here); the result is bytes.
 */
export async function resizePixels(
  split: Split,
  shape: ImageShape,
  spec: TransformSpec,
  progress: DecodeProgress = () => {},
  offset = 0,
  total = split.count,
): Promise<Split & { images: Uint8Array }> {
  const out = shapeAfter(shape, spec);
  const inSize = shape.height * shape.width * shape.channels;
  const outSize = out.height * out.width * out.channels;
  const images = new Uint8Array(split.count * outSize);
  let done = 0;
  await forEachConcurrently(split.count, 8, async (n) => {
    const raw = toBytes(split.images, n * inSize, (n + 1) * inSize);
    let image = sharp(raw, { raw: { width: shape.width, height: shape.height, channels: shape.channels as 1 | 3 } });
    if (spec.size) image = image.resize({ height: out.height, width: out.width, fit: SHARP_FIT[spec.fit], position: "centre", background: BLACK });
    image = out.channels === 1 ? image.toColourspace("b-w") : image.toColourspace("srgb");
    const data = await image.raw({ depth: "uchar" }).toBuffer();
    if (data.length !== outSize) throw new Error(`resizePixels: image ${n} came out as ${data.length} bytes, expected ${outSize}`);
    images.set(data, n * outSize);
    progress(offset + ++done, total);
  });
  return { images, labels: split.labels, count: split.count };
}

function toBytes(pixels: Pixels, start: number, end: number): Buffer {
  if (pixels instanceof Uint8Array) return Buffer.from(pixels.buffer, pixels.byteOffset + start, end - start);
  const out = Buffer.alloc(end - start);
  for (let i = start; i < end; i++) out[i - start] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  return out;
}
