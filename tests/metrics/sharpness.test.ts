import { describe, expect, it } from "vitest";
import { sharpness, sharpnessRatio } from "../../src/metrics/index.js";
import { boxBlur, checkerboard, constant, makeSet } from "./images.js";

describe("sharpness", () => {
  it("a ramp rising 0.1 per pixel has gradient 0.1 (Sobel / 8) and a zero Laplacian", () => {
    const s = sharpness(makeSet(2, 6, 8, (_, __, c) => 0.1 * c));
    expect(s.gradient).toBeCloseTo(0.1, 6);
    expect(s.laplacianVariance).toBeCloseTo(0, 12);
  });

  it("a step edge by hand: 8x8, left half 0, right half 1", () => {
    // Valid columns 1..6; Sobel/8 gives 0.5 at columns 3 and 4 only -> mean 1/6.
    // The Laplacian per row is [0, 0, 1, -1, 0, 0]: mean 0, variance 2/6.
    const edge = makeSet(1, 8, 8, (_, __, c) => (c >= 4 ? 1 : 0));
    expect(sharpness(edge).gradient).toBeCloseTo(1 / 6, 12);
    expect(sharpness(edge).laplacianVariance).toBeCloseTo(1 / 3, 12);
    const transposed = makeSet(1, 8, 8, (_, r) => (r >= 4 ? 1 : 0));
    expect(sharpness(transposed)).toEqual(sharpness(edge));
  });

  it("a flat image has no edges", () => {
    expect(sharpness(constant(1, 5, 5, 0.3))).toEqual({ gradient: 0, laplacianVariance: 0 });
  });

  it("a box-blurred checkerboard is less sharp on both measures; the ratio to the original is < 1", () => {
    const sharp = checkerboard(28, 4);
    const blurred = boxBlur(sharp);
    const a = sharpness(sharp);
    const b = sharpness(blurred);
    expect(b.gradient).toBeLessThan(a.gradient);
    expect(b.laplacianVariance).toBeLessThan(a.laplacianVariance);
    const ratio = sharpnessRatio(blurred, sharp);
    expect(ratio.gradient).toBeLessThan(1);
    expect(ratio.laplacianVariance).toBeLessThan(1);
    expect(sharpnessRatio(sharp, blurred).gradient).toBeGreaterThan(1);
  });

  it("the ratio of identical sets is exactly 1", () => {
    const x = checkerboard(28, 4);
    expect(sharpnessRatio(x, x)).toEqual({ gradient: 1, laplacianVariance: 1 });
  });
});
