/** How images are brought to one shape on load (data.size, data.fit, data.channels). */
export interface TransformSpec {
  /** [height, width] to resize to; undefined keeps each source's own size (which must then be one size). */
  size?: readonly [number, number];
  /** cover: scale to fill and crop the centre; contain: scale to fit and pad with black; stretch: ignore the aspect ratio. */
  fit: Fit;
  /** 1: greyscale (sharp's luminance); 3: RGB (a grey image repeated); undefined: the source's own (3 if any image has colour). */
  channels?: 1 | 3;
}

export const FITS = ["cover", "contain", "stretch"] as const;
export type Fit = (typeof FITS)[number];

/** data.size as the config takes it (one number for a square, or [height, width]). */
export function sizeOf(size: number | readonly [number, number] | undefined): readonly [number, number] | undefined {
  if (size === undefined) return undefined;
  return typeof size === "number" ? [size, size] : size;
}

/** sharp's name for each fit: cover crops the centre, contain letterboxes, fill stretches. */
export const SHARP_FIT = { cover: "cover", contain: "contain", stretch: "fill" } as const;
