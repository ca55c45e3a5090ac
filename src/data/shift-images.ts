import type { Rng } from "../random/rng.js";
import { pixelsLike, type ImageShape, type Pixels, type Split } from "./split.js";

/** Every image moved by whole pixels in [-maxShift, maxShift] along each axis, zero-filled; a new split. */
export function shiftImages<P extends Pixels>(split: Split & { images: P }, shape: ImageShape, maxShift: number, rng: Rng): Split & { images: P } {
  if (maxShift === 0) return split;
  const { height: h, width: w, channels: c } = shape;
  const perImage = h * w * c;
  const out = pixelsLike(split.images, split.images.length) as P;
  for (let n = 0; n < split.count; n++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const rowLength = (w - Math.abs(dx)) * c;
    if (rowLength <= 0) continue;
    const base = n * perImage;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = base + ((y - dy) * w + Math.max(0, -dx)) * c;
      out.set(split.images.subarray(from, from + rowLength), base + (y * w + Math.max(0, dx)) * c);
    }
  }
  return { ...split, images: out };
}
