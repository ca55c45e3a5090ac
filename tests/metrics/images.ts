import type { ImageSet } from "../../src/metrics/index.js";

/** An ImageSet of `count` images, pixel value f(n, row, col, ch). */
export function makeSet(count: number, height: number, width: number, f: (n: number, row: number, col: number, ch: number) => number, channels = 1): ImageSet {
  const pixels = new Float32Array(count * height * width * channels);
  let i = 0;
  for (let n = 0; n < count; n++)
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) for (let ch = 0; ch < channels; ch++) pixels[i++] = f(n, r, c, ch);
  return { pixels, count, height, width, channels };
}

export const constant = (count: number, height: number, width: number, value: number, channels = 1) => makeSet(count, height, width, () => value, channels);

/** Checkerboard of cell x cell squares, 0 and 1. */
export const checkerboard = (size: number, cell: number) => makeSet(1, size, size, (_, r, c) => (Math.floor(r / cell) + Math.floor(c / cell)) % 2);

/** A binary digit-like image: a filled rectangle of ones on a zero background. */
export const binary = (count: number, size: number) =>
  makeSet(count, size, size, (n, r, c) => (r >= 2 + n && r < size - 3 && c >= 4 && c < size - 4 - n ? 1 : 0));

/** Pixel at (n, r, c, ch). */
export const at = (s: ImageSet, n: number, r: number, c: number, ch = 0) => s.pixels[((n * s.height + r) * s.width + c) * s.channels + ch];

/** 3x3 box filter, edges replicated. */
export function boxBlur(s: ImageSet): ImageSet {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi - 1);
  return makeSet(
    s.count,
    s.height,
    s.width,
    (n, r, c, ch) => {
      let sum = 0;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) sum += at(s, n, clamp(r + dr, s.height), clamp(c + dc, s.width), ch);
      return sum / 9;
    },
    s.channels,
  );
}

/** Deterministic uniform numbers in [0, 1) (a 32-bit LCG), so the noise tests never change. */
export function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
