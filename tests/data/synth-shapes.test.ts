import { describe, expect, it } from "vitest";
import { DataError } from "../../src/data/errors.js";
import { SYNTH_SHAPES_CLASSES, synthShapes } from "../../src/data/synth-shapes.js";

/** Per image: its mean channel spread (max - min, a saturation), and the share of its pixels whose colour is far from every border pixel's. */
function measure(images: Uint8Array, count: number, size: number): { spread: number; standsOut: number }[] {
  const measures = [];
  for (let i = 0; i < count; i++) {
    const image = images.subarray(i * size * size * 3, (i + 1) * size * size * 3);
    const border: number[] = [];
    let spread = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = (y * size + x) * 3;
        const [r, g, b] = [image[o]!, image[o + 1]!, image[o + 2]!];
        spread += Math.max(r, g, b) - Math.min(r, g, b);
        if (x === 0 || y === 0 || x === size - 1 || y === size - 1) border.push(o);
      }
    }
    // The stripes run across the whole image, so the border shows every background colour: a pixel far
    // from all of them belongs to the shape (shapes stay clear of the border).
    let far = 0;
    for (let p = 0; p < size * size * 3; p += 3) {
      const near = border.some((o) => Math.hypot(image[p]! - image[o]!, image[p + 1]! - image[o + 1]!, image[p + 2]! - image[o + 2]!) <= 60);
      if (!near) far++;
    }
    measures.push({ spread: spread / (size * size), standsOut: far / (size * size) });
  }
  return measures;
}

describe("synthShapes", () => {
  it("gives the same bytes for the same seed and different ones for another", () => {
    const a = synthShapes(50, 3);
    const b = synthShapes(50, 3);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
    expect(a.labels).toEqual(b.labels);
    const c = synthShapes(50, 4);
    expect(Buffer.from(a.images).equals(Buffer.from(c.images))).toBe(false);
  });

  it("names the classes in label order and sizes its arrays count x size x size x 3", () => {
    const set = synthShapes(10, 0);
    expect(set.classes).toEqual(["circle", "square", "triangle", "ring"]);
    expect(SYNTH_SHAPES_CLASSES).toBe(set.classes);
    expect([set.images.length, set.labels.length]).toEqual([10 * 32 * 32 * 3, 10]);
    expect(set.images).toBeInstanceOf(Uint8Array);
    expect(synthShapes(0, 0).images.length).toBe(0);
  });

  it.each([1, 3, 4, 7, 1003])("balances the classes to within one image (count %i) and shuffles their order", (count) => {
    const { labels } = synthShapes(count, 11);
    const counts = [0, 1, 2, 3].map((k) => labels.filter((label) => label === k).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    if (count >= 4) expect(Math.min(...counts)).toBeGreaterThan(0);
    if (count > 100) expect(Array.from(labels.slice(0, 12))).not.toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it.each([32, 64])("draws colourful images whose shape stands out from the background (size %i)", (size) => {
    const count = size === 32 ? 300 : 80;
    const set = synthShapes(count, 5, size);
    const measures = measure(set.images, count, size);
    for (const { spread, standsOut } of measures) {
      expect(spread).toBeGreaterThan(20);
      // The smallest shape, a triangle 35% of the image across, covers 4% of it.
      expect(standsOut).toBeGreaterThan(0.03);
    }
    // The labels name the shapes: of equal circumradius, a disc covers the most, then a square or a ring, then a triangle.
    const cover = [0, 1, 2, 3].map((k) => {
      const of = measures.filter((_, i) => set.labels[i] === k);
      return of.reduce((sum, m) => sum + m.standsOut, 0) / of.length;
    });
    const [circle, square, triangle, ring] = cover as [number, number, number, number];
    expect(circle).toBeGreaterThan(Math.max(square, ring));
    expect(Math.min(square, ring)).toBeGreaterThan(triangle);
  });

  const refusals: Array<[[number, number, number?], string]> = [
    [[-1, 0], "synthShapes: count must be a whole number >= 0 (got -1)"],
    [[2.5, 0], "synthShapes: count must be a whole number >= 0 (got 2.5)"],
    [[Number.NaN, 0], "synthShapes: count must be a whole number >= 0 (got NaN)"],
    [[4, 0, 8], "synthShapes: size must be a whole number >= 16 (got 8)"],
    [[4, 0, 32.5], "synthShapes: size must be a whole number >= 16 (got 32.5)"],
    [[4, 0.5], "synthShapes: seed must be a whole number (got 0.5)"],
    [[2 ** 31, 0], "synthShapes: 2147483648 images of 32x32 RGB need 6597069766656 bytes, more than one array can hold"],
  ];
  it.each(refusals)("refuses %j in one line", (args, message) => {
    expect(() => synthShapes(...args)).toThrow(DataError);
    expect(() => synthShapes(...args)).toThrow(message);
  });
});
