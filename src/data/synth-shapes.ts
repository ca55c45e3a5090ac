import { constants as bufferConstants } from "node:buffer";
import { type Rng, streamFor } from "../random/rng.js";
import { DataError } from "./errors.js";

/** The classes of synthShapes, in label order. */
export const SYNTH_SHAPES_CLASSES: readonly string[] = Object.freeze(["circle", "square", "triangle", "ring"]);

export interface SynthShapes {
  /** count*size*size*3 bytes: images one after another, each row-major, RGB interleaved (HWC). */
  images: Uint8Array;
  /** One label per image, an index into `classes`. */
  labels: Uint8Array;
  classes: readonly string[];
}

// The shape's edge ramps from opaque to clear over this many pixels of signed distance: anti-aliased, so
// the class cannot be read off hard staircase edges, and a decoder is not asked to draw them.
const EDGE = 1.5;
// Luminance noise on the background, ± this many levels of 255.
const NOISE = 6;
const MIN_SIZE = 16;

/**
 * A colour image classification set that needs no download: one soft-edged circle, square, triangle or
 * ring per image, of a random saturated colour, position, size and rotation, on a background of two muted
 * colours mixed by sinusoidal stripes, plus a little noise. The same (count, seed, size) gives the same bytes.
 */
export function synthShapes(count: number, seed: number, size = 32): SynthShapes {
  if (!Number.isSafeInteger(count) || count < 0) throw new DataError(`synthShapes: count must be a whole number >= 0 (got ${count})`);
  if (!Number.isSafeInteger(size) || size < MIN_SIZE) throw new DataError(`synthShapes: size must be a whole number >= ${MIN_SIZE} (got ${size})`);
  if (!Number.isSafeInteger(seed)) throw new DataError(`synthShapes: seed must be a whole number (got ${seed})`);
  const pixelsPerImage = size * size * 3;
  if (count * pixelsPerImage > bufferConstants.MAX_LENGTH) {
    throw new DataError(
      `synthShapes: ${count} images of ${size}x${size} RGB need ${count * pixelsPerImage} bytes, more than one array can hold (${bufferConstants.MAX_LENGTH})`,
    );
  }
  const rng = streamFor(seed, "data/synth-shapes");
  // Label i % 4 at a shuffled position: the classes are balanced to within one image for every count.
  const order = rng.permutation(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = order[i]! % SYNTH_SHAPES_CLASSES.length;
  // Clamped: writes round to the nearest level and saturate, so the colour maths need not.
  const pixels = new Uint8ClampedArray(count * pixelsPerImage);
  for (let i = 0; i < count; i++) drawImage(pixels.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage), labels[i]!, size, rng);
  return { images: new Uint8Array(pixels.buffer), labels, classes: SYNTH_SHAPES_CLASSES };
}

function drawImage(out: Uint8ClampedArray, label: number, size: number, rng: Rng): void {
  // The background's hues lie on the far side of the colour wheel from the shape's, and are less saturated
  // and darker, so the shape stands out in every image, not just on average.
  const hue = rng.next();
  const ink = hsv(hue, 0.75 + 0.25 * rng.next(), 0.8 + 0.2 * rng.next());
  const a = hsv(hue + 0.25 + 0.5 * rng.next(), 0.2 + 0.3 * rng.next(), 0.3 + 0.55 * rng.next());
  const b = hsv(hue + 0.25 + 0.5 * rng.next(), 0.2 + 0.3 * rng.next(), 0.3 + 0.55 * rng.next());

  // sin(kx·x + ky·y + phase) = sin(kx·x)·cos(ky·y + phase) + cos(kx·x)·sin(ky·y + phase): 4·size trig calls, not size².
  const angle = 2 * Math.PI * rng.next();
  const k = (2 * Math.PI * (1 + 3 * rng.next())) / size;
  const phase = 2 * Math.PI * rng.next();
  const sinX = new Float64Array(size);
  const cosX = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    sinX[x] = Math.sin(k * Math.cos(angle) * x);
    cosX[x] = Math.cos(k * Math.cos(angle) * x);
  }

  // Every shape fits in a circle of this radius about its centre, so any rotation stays inside the image.
  const radius = size * (0.175 + 0.175 * rng.next());
  const margin = radius + EDGE;
  const cx = margin + (size - 2 * margin) * rng.next();
  const cy = margin + (size - 2 * margin) * rng.next();
  const turn = 2 * Math.PI * rng.next();
  const cos = Math.cos(turn);
  const sin = Math.sin(turn);
  const distance = SHAPES[label]!(radius, 0.5 + 0.15 * rng.next());
  const reach = (radius + EDGE) ** 2;

  let o = 0;
  for (let y = 0; y < size; y++) {
    const sinY = Math.sin(k * Math.sin(angle) * y + phase);
    const cosY = Math.cos(k * Math.sin(angle) * y + phase);
    const py = y + 0.5 - cy;
    for (let x = 0; x < size; x++) {
      const t = 0.5 + 0.5 * (sinX[x]! * cosY + cosX[x]! * sinY);
      const noise = NOISE * (2 * rng.next() - 1);
      const px = x + 0.5 - cx;
      // Most pixels lie outside the shape's circle, where the distance need not be computed to know it is clear.
      const alpha = px * px + py * py > reach ? 0 : Math.min(1, Math.max(0, 0.5 - distance(cos * px + sin * py, cos * py - sin * px) / EDGE));
      for (let c = 0; c < 3; c++) {
        const background = a[c]! + (b[c]! - a[c]!) * t + noise;
        out[o++] = background + (ink[c]! - background) * alpha;
      }
    }
  }
}

/** Signed distance (negative inside) from a point to each class's shape, of circumradius r, centred at 0. */
type Distance = (x: number, y: number) => number;
const SHAPES: ReadonlyArray<(r: number, hole: number) => Distance> = [
  (r) => (x, y) => length(x, y) - r,
  (r) => {
    const half = r / Math.SQRT2;
    return (x, y) => {
      const dx = Math.abs(x) - half;
      const dy = Math.abs(y) - half;
      return length(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
    };
  },
  (r) => equilateralTriangle((r * Math.sqrt(3)) / 2),
  (r, hole) => {
    const middle = (r * (1 + hole)) / 2;
    const halfWidth = (r * (1 - hole)) / 2;
    return (x, y) => Math.abs(length(x, y) - middle) - halfWidth;
  },
];

/** Inigo Quilez's exact distance to an equilateral triangle of half side `h`, centroid at 0, apex up. */
function equilateralTriangle(h: number): Distance {
  const k = Math.sqrt(3);
  return (x0, y0) => {
    let x = Math.abs(x0) - h;
    let y = y0 + h / k;
    if (x + k * y > 0) {
      const fx = (x - k * y) / 2;
      y = (-k * x - y) / 2;
      x = fx;
    }
    x -= Math.min(Math.max(x, -2 * h), 0);
    return -length(x, y) * Math.sign(y);
  };
}

// Math.hypot guards against overflow that these distances cannot reach, and costs a third of the run time.
function length(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

/** An RGB colour (0..255 per channel) from hue (turns, any real), saturation and value in [0, 1]. */
function hsv(hue: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + 6 * (hue - Math.floor(hue))) % 6;
    return 255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}
