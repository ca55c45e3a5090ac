import { DataError } from "../errors.js";

/** The axes of an images array: N x H x W (grey), N x H x W x C, or N x C x H x W (PyTorch's order). */
export const ARRAY_LAYOUTS = ["nhw", "nhwc", "nchw"] as const;
export type ArrayLayout = (typeof ARRAY_LAYOUTS)[number];

const CHANNEL_COUNTS = new Set([1, 3, 4]);

/**
 * The layout of an images array of this shape: rank 3 is nhw; rank 4 is nhwc when only its last axis can
 * be channels (1, 3 or 4), nchw when only its second can; `given` (data.layout) decides the rest and is
 * checked against the shape. `origin` names the file in errors.
 */
export function arrayLayout(shape: readonly number[], given: ArrayLayout | undefined, origin: string): ArrayLayout {
  const fits = (layout: ArrayLayout) =>
    layout === "nhw" ? shape.length === 3 : shape.length === 4 && CHANNEL_COUNTS.has(layout === "nhwc" ? shape[3] : shape[1]);
  if (given !== undefined) {
    if (!fits(given)) throw new DataError(`${origin}: an array of shape [${shape.join(", ")}] is not ${given} (data.layout); channels must be 1, 3 or 4`);
    return given;
  }
  const candidates = ARRAY_LAYOUTS.filter(fits);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0)
    throw new DataError(`${origin}: an images array must be N x H x W, N x H x W x C or N x C x H x W with C = 1, 3 or 4 (got shape [${shape.join(", ")}])`);
  throw new DataError(`${origin}: shape [${shape.join(", ")}] could be ${candidates.join(" or ")}; say which with data.layout`);
}
