import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import sharp from "sharp";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "aelab-sources-"));
}

export type Format = "png" | "jpg" | "webp" | "gif" | "tiff" | "avif";

/** Writes `pixels` (HWC bytes, 1 or 3 channels) as an image file at `path` (parents made); lossless for png and webp. */
export async function writeImage(path: string, pixels: Uint8Array, height: number, width: number, channels: 1 | 3, format: Format = "png"): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  const encoded =
    format === "png"
      ? image.png()
      : format === "jpg"
        ? image.jpeg({ quality: 95, chromaSubsampling: "4:4:4" })
        : format === "webp"
          ? image.webp({ lossless: true })
          : format === "tiff"
            ? image.tiff({ compression: "lzw" })
            : format === "avif"
              ? image.avif({ quality: 90 })
              : image.gif();
  await encoded.toFile(path);
}

/** HWC RGB bytes whose every value depends on `seed`, and R, G, B differ (a colour image). */
export function colourPixels(height: number, width: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: height * width * 3 }, (_, i) => (seed * 37 + i * 11 + (i % 3) * 50) % 256);
}

/** HWC RGB bytes with R = G = B (a grey image stored as colour). */
export function greyRgbPixels(height: number, width: number, seed: number): Uint8Array {
  const out = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) out.fill((seed * 29 + p * 13) % 256, 3 * p, 3 * p + 3);
  return out;
}

/** Image `n` of the dataset (`perImage` values each) as an array. */
export function imageAt(images: ArrayLike<number>, n: number, perImage: number): number[] {
  return Array.from(images as Uint8Array).slice(n * perImage, (n + 1) * perImage);
}

export { dataError } from "../../helpers/data-error.js";
