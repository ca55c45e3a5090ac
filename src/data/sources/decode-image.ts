import sharp from "sharp";
import { SHARP_FIT, type TransformSpec } from "../transform-spec.js";

/** One decoded image: bytes, HWC, 1 or 3 channels. */
export interface DecodedImage {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** What sharp reads, by extension (lower case): torchvision's IMG_EXTENSIONS less the ones libvips lacks, plus AVIF. */
export const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff", ".avif"]);

const BLACK = { r: 0, g: 0, b: 0 };

/**
 * Decodes an image file (or encoded bytes) to 8-bit pixels, resized as `spec` says: one band (sharp's
 * luminance) for channels 1, else three sRGB bands (a grey image repeated; the caller may fold an
 * all-grey dataset back to one). Transparency is flattened onto black (the background of the digits
 * aelab grew up on); 16-bit images become 8-bit; an animated GIF gives its first frame. Throws sharp's
 * error for a file that is not a readable image, a truncated one included (failOn "truncated": a cut-off
 * PNG or JPEG is an error, not a half-grey image).
 */
export async function decodeImage(input: string | Buffer, spec: TransformSpec): Promise<DecodedImage> {
  let image = sharp(input, { failOn: "truncated", limitInputPixels: 1 << 28 }).flatten({ background: BLACK });
  if (spec.size) image = image.resize({ height: spec.size[0], width: spec.size[1], fit: SHARP_FIT[spec.fit], position: "centre", background: BLACK });
  image = spec.channels === 1 ? image.toColourspace("b-w") : image.toColourspace("srgb");
  const { data, info } = await image.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  const channels = spec.channels === 1 ? 1 : 3;
  if (info.channels !== channels) throw new Error(`decoded to ${info.channels} bands, expected ${channels}`);
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width, channels };
}
